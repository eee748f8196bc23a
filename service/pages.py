"""The dashboard's pages (server-rendered; figures come from ``dashboards``)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from service.auth import current_account

__all__ = ["bp"]

bp = Blueprint("pages", __name__)


@bp.route("/")
def home() -> ResponseReturnValue:
    account = current_account()
    names = sorted(account.roles) if account else []
    return render_template("home.html", constituencies=names)
