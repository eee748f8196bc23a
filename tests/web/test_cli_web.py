"""The account commands: ``movemap user add``, ``user list``, ``grant`` and ``token create``.

Each runs against a store and an accounts file in a fresh folder (``MOVEMAP_STORE`` and
``MOVEMAP_ACCOUNTS``); errors exit non-zero with a plain message and never a traceback.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
import waitress
from click.testing import CliRunner, Result
from support import sign_in

import service.cli_web
from graph.history import Actor
from graph.model import Constituency
from graph.stores.base import open_store
from graph.usecases import UseCases
from service import Settings, create_app
from service.accounts import AccountStore, accounts_path_from_url
from service.cli import EXIT_ERROR, EXIT_USAGE
from service.cli import main as movemap

PASSWORD = "a long enough passphrase"


class Cli:
    def __init__(self, folder: Path) -> None:
        self.store_url = f"sqlite:///{folder / 'store.db'}"
        self.accounts_url = f"sqlite:///{folder / 'accounts.db'}"
        self.env = {"MOVEMAP_STORE": self.store_url, "MOVEMAP_ACCOUNTS": self.accounts_url,
                    "MOVEMAP_DEBUG": ""}

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = CliRunner().invoke(movemap, list(args), input=input, env=self.env)
        assert "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.exception
        return result

    def accounts(self) -> AccountStore:
        return AccountStore(accounts_path_from_url(self.accounts_url))


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path)
    store = open_store(cli.store_url)
    UseCases(store, Actor("tests", "seed")).create_constituency(Constituency(name="bay"))
    store.close()
    return cli


def test_user_add_reads_the_password_from_stdin(cli: Cli) -> None:
    result = cli("user", "add", "lead@example.org", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Added lead@example.org" in result.output and PASSWORD not in result.output
    accounts = cli.accounts()
    assert accounts.authenticate("lead@example.org", PASSWORD) is not None
    accounts.close()


def test_user_add_asks_for_the_password_twice_without_showing_it(cli: Cli) -> None:
    result = cli("user", "add", "lead@example.org",
                 input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert PASSWORD not in result.output
    accounts = cli.accounts()
    assert accounts.authenticate("lead@example.org", PASSWORD) is not None
    accounts.close()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("not-an-email",), PASSWORD, "is not an email address"),
    (("lead@example.org",), "short", "at least 10 characters"),
    (("lead@example.org",), "", "no password on standard input"),
])
def test_user_add_refuses_bad_input_with_a_plain_message(cli: Cli, args: tuple[str, ...],
                                                         stdin: str, message: str) -> None:
    result = cli("user", "add", *args, "--password-stdin", input=stdin + "\n")
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.startswith("movemap: ") and message in result.stderr
    assert cli("user", "list").output == ""


def test_user_add_refuses_an_existing_email(cli: Cli) -> None:
    cli("user", "add", "lead@example.org", "--password-stdin", input=PASSWORD)
    result = cli("user", "add", "LEAD@example.org", "--password-stdin", input=PASSWORD)
    assert result.exit_code == EXIT_ERROR and "already exists" in result.stderr


def test_grant_gives_a_role_shown_by_user_list(cli: Cli) -> None:
    cli("user", "add", "lead@example.org", "--password-stdin", input=PASSWORD)
    result = cli("grant", "lead@example.org", "bay", "editor")
    assert result.exit_code == 0 and "lead@example.org is now editor of bay" in result.output
    assert cli("user", "list").output == "lead@example.org  bay (editor)  [may not create maps]\n"
    cli("grant", "lead@example.org", "bay", "viewer")
    assert "bay (viewer)" in cli("user", "list").output


def test_grant_refuses_unknown_users_maps_and_roles(cli: Cli) -> None:
    cli("user", "add", "lead@example.org", "--password-stdin", input=PASSWORD)
    result = cli("grant", "nobody@example.org", "bay", "viewer")
    assert result.exit_code == EXIT_ERROR
    assert "no user with email 'nobody@example.org'" in result.stderr
    result = cli("grant", "lead@example.org", "nowhere", "viewer")
    assert result.exit_code == EXIT_ERROR and "no constituency named 'nowhere'" in result.stderr
    # a role that is not one of the choices is a bad command line (the CLI's exit code 2)
    result = cli("grant", "lead@example.org", "bay", "admin")
    assert result.exit_code == EXIT_USAGE
    assert "'admin' is not one of 'viewer', 'editor', 'owner'" in result.stderr
    result = cli("grant", "lead@example.org", "no/slashes", "viewer")
    assert result.exit_code == EXIT_USAGE and "not a valid name" in result.stderr
    assert cli("user", "list").output == (
        "lead@example.org  no constituencies  [may not create maps]\n")


def test_token_create_prints_only_a_token_that_works_against_the_app(cli: Cli) -> None:
    cli("user", "add", "lead@example.org", "--password-stdin", input=PASSWORD)
    cli("grant", "lead@example.org", "bay", "viewer")
    result = cli("token", "create", "lead@example.org")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and result.stderr == ""
    assert token.startswith("mm_") and " " not in token
    app = create_app(Settings(store_url=cli.store_url, accounts_url=cli.accounts_url,
                              secret_key="s" * 48, cookie_secure=False))
    client = app.test_client()
    response = client.get("/api/v1/constituencies",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [c["name"] for c in response.json["items"]] == ["bay"]
    assert client.get("/api/v1/constituencies",
                      headers={"Authorization": f"Bearer {token}x"}).status_code == 401
    app.extensions["movemap.accounts"].close()


def test_token_create_refuses_unknown_users(cli: Cli) -> None:
    result = cli("token", "create", "nobody@example.org")
    assert result.exit_code == EXIT_ERROR and result.stdout == ""
    assert "no user with email" in result.stderr


def test_an_accounts_file_in_a_missing_folder_is_a_plain_error(cli: Cli, tmp_path: Path) -> None:
    cli.env["MOVEMAP_ACCOUNTS"] = f"sqlite:///{tmp_path / 'missing' / 'accounts.db'}"
    result = cli("user", "add", "lead@example.org", "--password-stdin", input=PASSWORD)
    assert result.exit_code == EXIT_ERROR and "does not exist" in result.stderr
    cli.env["MOVEMAP_ACCOUNTS"] = "postgres://elsewhere/accounts"
    result = cli("token", "create", "lead@example.org")
    assert result.exit_code == EXIT_ERROR and "sqlite:///" in result.stderr


def test_account_commands_explain_themselves(cli: Cli) -> None:
    for args in (("user", "--help"), ("user", "add", "--help"), ("grant", "--help"),
                 ("token", "create", "--help")):
        result = cli(*args)
        assert result.exit_code == 0 and "Usage:" in result.output
    assert "--password-stdin" in cli("user", "add", "--help").output


def test_serve_demo_makes_the_map_and_an_owner_and_prints_how_to_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, object] = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))
    monkeypatch.setattr(service.cli_web, "warm_up", lambda: None)
    monkeypatch.setenv("MOVEMAP_SECRET_KEY", "s" * 48)
    cli = Cli(tmp_path)
    result = cli("serve", "--demo", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "Created the demo constituency 'demo': 800 people" in result.stdout
    assert "Next:" not in result.stdout  # the demo command's hints are not for a server
    assert "movemap is running at http://localhost:8123/" in result.stdout
    password = re.search(r"Sign in as demo@movemap\.example with the password (\S+)",
                         result.stdout)
    assert password, result.stdout
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    client = served["app"].test_client()  # type: ignore[attr-defined]
    sign_in(client, "demo@movemap.example", password.group(1))
    assert client.get("/c/demo/").status_code == 200
    again = cli("serve", "--demo", "--port", "8123")  # the map is kept, the password renewed
    assert "Created the demo" not in again.stdout
    assert password.group(1) not in again.stdout


def test_serve_stops_at_once_when_the_store_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[object] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.append(app))
    monkeypatch.setattr(service.cli_web, "warm_up", lambda: None)
    monkeypatch.setenv("MOVEMAP_SECRET_KEY", "s" * 48)
    cli = Cli(tmp_path)
    for url, message in (("bolt://127.0.0.1:9", "cannot reach the Neo4j server"),
                         (f"sqlite:///{tmp_path}/missing/x.db", "does not exist")):
        result = cli("--store", url, "serve", "--port", "8123")
        assert result.exit_code == EXIT_ERROR, result.output
        assert message in result.stderr
    assert served == []


def test_serve_on_a_busy_port_says_so_and_which_option_picks_another_changing_nothing(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[object] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.append(app))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "--demo", "--port", str(port))
    assert result.exit_code == EXIT_ERROR
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr
    assert served == []
    store = open_store(cli.store_url)
    try:
        assert [c.name for c in store.list_constituencies()] == ["bay"]  # no demo made
    finally:
        store.close()
    assert not Path(accounts_path_from_url(cli.accounts_url)).exists()  # no demo account


def test_delete_asks_first_and_takes_the_map_and_its_roles(cli: Cli) -> None:
    assert cli("user", "add", "lead@example.org", "--password-stdin",
               input=PASSWORD + "\n").exit_code == 0
    assert cli("grant", "lead@example.org", "bay", "owner").exit_code == 0
    kept = cli("delete", "bay", input="n\n")
    assert kept.exit_code == EXIT_ERROR and "nothing was deleted" in kept.stderr
    assert "Delete 'bay'" in kept.stderr
    deleted = cli("delete", "bay", input="y\n")
    assert deleted.exit_code == 0 and "Deleted 'bay'" in deleted.stdout
    store = open_store(cli.store_url)
    try:
        assert store.list_constituencies() == []
    finally:
        store.close()
    accounts = cli.accounts()
    try:
        assert accounts.grants_in("bay") == {}
    finally:
        accounts.close()


def test_delete_with_yes_does_not_ask_and_an_unknown_map_is_a_plain_error(cli: Cli) -> None:
    deleted = cli("delete", "bay", "--yes")
    assert deleted.exit_code == 0 and "Delete 'bay'" not in deleted.output
    missing = cli("delete", "bay", "--yes")
    assert missing.exit_code == EXIT_ERROR
    assert "no constituency named 'bay'" in missing.stderr
