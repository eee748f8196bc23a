"""The ``movemap`` command line: import, expect, analyse, demo, list, delete and copy
constituencies.

Every error a user can cause ends the command with a one-line message on stderr and a non-zero
exit status, never a traceback: movemap's own errors (``MovemapError``) and bad options exit 1
or 2; anything unexpected is reported as an internal error (exit 70) with a hint, and shows its
traceback only when ``MOVEMAP_DEBUG=1``. Progress goes to stderr, and only when stderr is a
terminal (or with ``--progress``), so ``--json`` output on stdout is never mixed with it.

Example:
    $ movemap demo
    $ movemap analyse demo
    $ movemap analyse demo --json --min-trust flow_of_value=1 > demo.json
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from graph.demo_limits import DEMO_NAME, MAX_SIZE, MIN_SIZE
from graph.errors import ImportFailed, MovemapError, NotFound
from graph.history import Actor
from graph.stores.base import DEFAULT_STORE_URL, GraphStore, open_store, redact_url
from service.terminal import echo

if TYPE_CHECKING:
    from graph.usecases import UseCases

# Only what every command needs is imported above: the model (pydantic), the analysis (numpy,
# numba's kernels), the reports and the web service are imported by the commands that use them,
# so 'movemap --help' and 'movemap list' start in a fraction of a second (bench/startup.py
# measures it).

__all__ = ["EXIT_ERROR", "EXIT_INTERNAL", "EXIT_USAGE", "main", "make_demo"]

EXIT_ERROR = 1
"""A movemap error: unknown constituency, failed import, store problem…"""
EXIT_USAGE = 2
"""A bad command line: unknown option, bad option value, missing file."""
EXIT_INTERNAL = 70
"""A bug in movemap (EX_SOFTWARE)."""

DEBUG_ENV = "MOVEMAP_DEBUG"
STORE_ENV = "MOVEMAP_STORE"


# -- the edge: one place that turns every exception into a plain message -----------------------


class _Movemap(click.Group):
    """The ``movemap`` group, catching every error once, at the edge."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.Abort:
            _fail("interrupted", 130)
        except click.ClickException as exc:
            _fail(_usage_message(exc), exc.exit_code)
        except ImportFailed as exc:
            count = len(exc.problems)
            for problem in exc.problems:
                echo(str(problem), err=True)
            _fail(
                f"import failed: {count} problem{'s' if count != 1 else ''}; "
                "nothing was written",
                EXIT_ERROR,
            )
        except MovemapError as exc:
            _fail(str(exc), EXIT_ERROR)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            # the reader went away (``movemap analyse demo | head``): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_ERROR)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV, "").strip() not in ("", "0"):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc}. This is a bug in movemap; "
                f"please report it with the command you ran ({DEBUG_ENV}=1 shows the details)",
                EXIT_INTERNAL,
            )
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> NoReturn:
    echo(f"movemap: {message}", err=True)
    sys.exit(code)


def _usage_message(exc: click.ClickException) -> str:
    """Click's error on one line, with a pointer to the right --help."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        return f"{message} (see '{ctx.command_path} --help')"
    return message


# -- shared state ------------------------------------------------------------------------------


@dataclass
class _State:
    """What the group options set up for every command."""

    store_url: str
    store_from_command_line: bool
    progress: bool
    _store: GraphStore | None = field(default=None, repr=False)

    def store(self) -> GraphStore:
        if self._store is None:
            self._store = open_store(self.store_url)
        return self._store

    def cases(self, via: str = "cli") -> UseCases:
        """The use cases, acting as ``cli:USER`` (the login name running the command)."""
        from graph.usecases import UseCases
        from service.cli_web import pictures_here

        pictures = pictures_here()
        return UseCases(self.store(), Actor(f"cli:{_login()}", via),
                        on_pictures_released=None if pictures is None else pictures.forget)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def hint(self, command: str) -> str:
        """A command to suggest, naming the store when the user named one."""
        if self.store_from_command_line:
            return f"movemap --store {_quote(redact_url(self.store_url))} {command}"
        return f"movemap {command}"

    @contextmanager
    def step(self, text: str) -> Iterator[_Step]:
        """Show ``text…`` on stderr, then what came of it and how long it took."""
        started = time.perf_counter()
        step = _Step()
        if self.progress:
            echo(f"{text}…", err=True, nl=False)
        try:
            yield step
        except BaseException:
            if self.progress:
                echo("", err=True)
            raise
        if self.progress:
            elapsed = time.perf_counter() - started
            done = f" {step.result}" if step.result else " done"
            echo(f"{done} ({elapsed:.1f} s)", err=True)


@dataclass
class _Step:
    result: str = ""


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return f"uid {os.getuid()}"


def _quote(text: str) -> str:
    return text if all(c.isalnum() or c in "/:._-" for c in text) else f"'{text}'"


def _state(ctx: click.Context) -> _State:
    state = ctx.find_object(_State)
    assert state is not None, "the movemap group sets up the state"
    return state


# -- option types ------------------------------------------------------------------------------


class _Share(click.ParamType):
    """A share such as ``0.03`` or ``3%``, above 0 and at most 1."""

    name = "share"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            self.fail(f"{value!r} is not a share; use e.g. 0.03 or 3%", param, ctx)
        if not 0 < share <= 1:
            self.fail(f"{value!r} must be above 0 and at most 1 (100%)", param, ctx)
        return share


ANYONE = "anyone"
"""What ``--min-engagement`` takes for "no readiness": whom to engage next among anyone."""


class _Readiness(click.ParamType):
    """An engagement level as people type it (code name or label, any case), or ``anyone``."""

    name = "level"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from graph.spelling import ENGAGEMENT_CHOICES, UnknownChoice, fold

        text = str(value).strip()
        if fold(text) == ANYONE:
            return ANYONE
        try:
            return ENGAGEMENT_CHOICES.read(text)
        except UnknownChoice as exc:
            self.fail(f"{exc}; use one of {', '.join(ENGAGEMENT_CHOICES.codes)} or {ANYONE}",
                      param, ctx)


class _MinTrust(click.ParamType):
    """``TYPE=LEVEL``: a trust type and the minimum strength (0–3) for a tie to count."""

    name = "type=level"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, int]:
        from graph.model import MAX_TRUST, TrustType

        if isinstance(value, tuple):
            return value
        kinds = ", ".join(t.value for t in TrustType)
        trust, sep, level = str(value).partition("=")
        trust = trust.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep:
            self.fail(f"{value!r} is not TYPE=LEVEL; use e.g. flow_of_value=1", param, ctx)
        if trust not in {t.value for t in TrustType}:
            self.fail(f"unknown trust type {trust!r}; expected one of {kinds}", param, ctx)
        try:
            minimum = int(level.strip())
        except ValueError:
            self.fail(f"level {level.strip()!r} of {trust} is not a whole number 0–{MAX_TRUST}",
                      param, ctx)
        if not 0 <= minimum <= MAX_TRUST:
            self.fail(f"level {minimum} of {trust} must be 0–{MAX_TRUST}", param, ctx)
        return trust, minimum


class _IsoDate(click.ParamType):
    name = "yyyy-mm-dd"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2025-03-31", param, ctx)


def _check_name(name: str) -> str:
    """A valid constituency name, or a plain error."""
    from pydantic import ValidationError

    from graph.model import Constituency

    try:
        return Constituency(name=name).name
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise click.BadParameter(f"{name!r} is not a valid name: {reason}") from None


def _name_argument(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return _check_name(value)


# -- the commands ------------------------------------------------------------------------------


@click.group(
    "movemap",
    cls=_Movemap,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    envvar=STORE_ENV,
    default=DEFAULT_STORE_URL,
    show_default=True,
    show_envvar=True,
    help="Where constituencies are kept: a sqlite:///path URL (sqlite:////abs/path for an "
    "absolute path) or a Neo4j server, neo4j://host:7687 (user and password from "
    "MOVEMAP_NEO4J_USER and MOVEMAP_NEO4J_PASSWORD).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on stderr. Default: only when stderr is a terminal.",
)
@click.version_option(package_name="movemap", prog_name="movemap")
@click.pass_context
def main(ctx: click.Context, store_url: str, progress: bool | None) -> None:
    """Map a constituency for change, see who is missing, and grow the movement.

    Start with 'movemap demo' and 'movemap analyse demo', or load your own map with
    'movemap import NAME people.csv relationships.csv'.
    """
    source = ctx.get_parameter_source("store_url")
    state = _State(
        store_url=store_url.strip() or DEFAULT_STORE_URL,
        store_from_command_line=source is ParameterSource.COMMANDLINE,
        progress=_stderr_is_terminal() if progress is None else progress,
    )
    ctx.obj = state
    ctx.call_on_close(state.close)


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@main.command("template")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="The folder to write people.csv and relationships.csv into.")
@click.option("--force", is_flag=True, help="Replace files of the same names.")
def template_command(folder: Path, force: bool) -> None:
    """Write people.csv and relationships.csv to fill in: every column, with example rows.

    The files import as they are ('movemap import NAME people.csv relationships.csv'); replace
    the example rows with your own people and ties.
    """
    from graph.csv_templates import write_templates

    try:
        paths = write_templates(folder, overwrite=force)
    except FileExistsError as exc:
        raise click.UsageError(f"{exc} already exists; use --force to replace it") from None
    except OSError as exc:
        raise click.FileError(str(folder), hint=exc.strerror or str(exc)) from None
    for path in paths:
        echo(f"Wrote {path}")
    echo("Fill them in (one row per person, one per tie), then "
         "'movemap import NAME people.csv relationships.csv'.")


@main.command("expect")
@click.argument("name", callback=_name_argument)
@click.argument("segments", nargs=-1, required=True)
@click.option("--replace", is_flag=True,
              help="Set the expected segments to exactly these, instead of adding them.")
@click.pass_context
def expect_command(ctx: click.Context, name: str, segments: tuple[str, ...],
                   replace: bool) -> None:
    """Say which SEGMENTS (places, communities, services) should be in NAME.

    A segment is written KIND:VALUE, e.g. locality:Barrow, community:Deaf or
    service:maternity. One written without its kind (Barrow), or in another case or without
    accents, is read as the segment people in the map have (locality:Barrow); when it could be
    several, the command says which. The analysis flags an expected segment with nobody in the
    map, or with people the engaged core does not reach.
    """
    state = _state(ctx)
    try:
        read = state.cases().read_segments(name, list(segments))
        state.cases().set_expected_segments(name, list(segments), replace=replace)
    except ValueError as exc:  # a segment the model refuses
        raise click.BadParameter(str(exc).splitlines()[-1], param_hint="SEGMENTS") from None
    for written, meant in read:
        if written != meant:
            echo(f"{written!r} is read as {meant!r}, the segment people in the map have.")
    expected = state.store().get_constituency(name).expected_segments
    echo(f"{name!r} expects {len(expected)} segment{'s' if len(expected) != 1 else ''}:")
    for segment in expected:
        echo(f"  {segment}")


@main.command("analyse")
@click.argument("name", callback=_name_argument)
@click.option("--json", "as_json", is_flag=True,
              help="Print the analysis as JSON (the stable contract for other tools).")
@click.option("--hops", type=click.IntRange(min=1), default=None,
              help="Reach counts people within this many ties of the engaged core.  "
              "[default: the map's steps setting, 1 unless changed]")
@click.option("--min-trust", "min_trust", type=_MinTrust(), multiple=True,
              help="Only ties with at least this trust count as conversations, e.g. "
              "flow_of_value=1 (repeatable; types: relational, functional, flow_of_value).")
@click.option("--target-core", type=_Share(), default=None,
              help="The engaged core should be this share of the constituency (0.03 or 3%).  "
              "[default: the map's setting, 3% unless changed]")
@click.option("--target-reach", type=_Share(), default=None,
              help="The core should be in conversation with this share of everyone else.  "
              "[default: the map's setting, 90% unless changed]")
@click.option("--min-engagement", "min_engagement", type=_Readiness(), default=None,
              help="Readiness: also plan whom to engage next among people at or above this "
              "engagement level only (unengaged, aware, supporting, contributing, leading; "
              "'anyone' for no ready plan).  [default: the map's readiness setting]")
@click.option("--as-of", "as_of", type=_IsoDate(), default=None,
              help="Analyse the map as it stood at the end of this date (people who had "
              "joined and not left, ties formed and not ended, each as they were then); years "
              "of engagement count up to it.  [default: today]")
@click.pass_context
def analyse_command(ctx: click.Context, name: str, as_json: bool, hops: int | None,
                    min_trust: tuple[tuple[str, int], ...], target_core: float | None,
                    target_reach: float | None, min_engagement: str | None,
                    as_of: date | None) -> None:
    """Analyse NAME: the engaged core and its reach, whom to engage next, roles and gaps.

    Targets, steps and readiness come from the map's settings (the dashboard's Settings page
    or the API); the options here override them for this analysis only.
    """
    from graph.analysis import analyse
    from graph.usecases import map_as_of, map_settings
    from service.report import format_report

    state = _state(ctx)
    store = state.store()
    given: dict[str, Any] = {"target_core_share": target_core, "target_reach": target_reach,
                             "hops": hops}
    overrides = {k: v for k, v in given.items() if v is not None}
    if min_engagement is not None:
        overrides["min_engagement"] = None if min_engagement == ANYONE else min_engagement
    try:
        options = map_settings(store, name).options(
            **overrides, min_trust=dict(min_trust), as_of=as_of or date.today())
    except ValueError as exc:
        raise click.UsageError(str(exc), ctx) from None
    with state.step(f"Loading {name}" + (f" as of {as_of}" if as_of else "")) as step:
        graph = store.load_graph(name) if as_of is None else map_as_of(store, name, as_of)
        step.result = f"{_count(graph.n, 'person', 'people')}, {_count(graph.m, 'tie')}"
    with state.step("Analysing"):
        analysis = analyse(graph, options)
    if as_json:
        echo(json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        echo(format_report(analysis, graph), nl=False)


@main.command("demo")
@click.option("--name", default=DEMO_NAME, show_default=True, callback=_name_argument,
              help="Name of the demo constituency.")
@click.option("--seed", type=int, default=7, show_default=True,
              help="The same seed always makes the same map.")
@click.option("--size", type=click.IntRange(MIN_SIZE, MAX_SIZE), default=800,
              show_default=True, help="How many people.")
@click.option("--replace", is_flag=True, help="Overwrite a constituency of the same name.")
@click.pass_context
def demo_command(ctx: click.Context, name: str, seed: int, size: int, replace: bool) -> None:
    """Create a demo constituency: an integrated care system with planted gaps.

    About 800 people across the three groups in five towns, with communities, services,
    recruitment chains, mobilisers, lone wolves and the gaps a real map often has, so every
    command has something to show. Dates are relative to today.
    """
    state = _state(ctx)
    made = make_demo(state, name, seed=seed, size=size, replace=replace)
    echo(made)
    echo("Next:")
    echo(f"  {state.hint(f'analyse {_quote(name)}')}           a readable report")
    echo(f"  {state.hint(f'analyse {_quote(name)} --json')}    the same as JSON")


def make_demo(state: _State, name: str, *, seed: int, size: int, replace: bool) -> str:
    """Save the demo constituency as ``name``; returns the sentence saying what was made."""
    from graph.demo import demo_constituency
    from graph.demo_history import demo_history
    from graph.demo_purpose import record_demo_purpose
    from graph.model import Constituency

    store = state.store()
    exists = _exists(store, name)
    if exists and not replace:
        raise MovemapError(
            f"a constituency named {name!r} already exists; add --replace to overwrite it, "
            "or choose another name with --name"
        )
    with state.step(f"Making up {size:,} people") as step:
        constituency, people, relationships = demo_constituency(
            seed=seed, size=size, as_of=date.today()
        )
        constituency = Constituency(
            name=name,
            description=constituency.description,
            expected_segments=constituency.expected_segments,
        )
        step.result = f"{_count(len(relationships), 'relationship')}"
    cases = state.cases("cli demo")
    history = demo_history(people, relationships, as_of=date.today(), seed=seed)
    with state.step(f"Saving {name} with two years of history"), store.transaction():
        if exists:  # a fresh demo, history and all
            cases.delete_constituency(name)
        cases.create_constituency(constituency)
        for i, snapshot in enumerate(history.snapshots):
            last = i == len(history.snapshots) - 1
            cases.import_records(
                name, snapshot.people, snapshot.ties, on=snapshot.on, replace=True,
                undated_since_always=True,
                summary=("the demo map today" if last else "the demo map as it stood on "
                         f"{snapshot.on.isoformat()}") + f" (seed {seed}, {size:,} people)")
        cases.add_event(name, history.workshop_event)
        if history.correction is not None:
            person, really = history.correction
            cases.save_person(name, person, on=really)
        if history.mistake is not None:
            wrong = cases.save_person(name, history.mistake)
            if wrong.change_set is not None:
                cases.undo(name, wrong.change_set)
        record_demo_purpose(cases, name, people, seed=seed)
    return (
        f"{'Replaced' if exists else 'Created'} the demo constituency {name!r}: "
        f"{_count(len(people), 'person', 'people')}, "
        f"{_count(len(relationships), 'relationship')} and "
        f"{_count(len(constituency.expected_segments), 'expected segment')} (seed {seed})."
    )


def _exists(store: GraphStore, name: str) -> bool:
    try:
        store.get_constituency(name)
    except NotFound:
        return False
    return True


@main.command("changes")
@click.argument("name", callback=_name_argument)
@click.option("--since", "since", type=_IsoDate(), required=True,
              help="Compare the map as it stood at the end of this date…")
@click.option("--until", "until", type=_IsoDate(), default=None,
              help="…with the map at the end of this one.  [default: today]")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.pass_context
def changes_command(ctx: click.Context, name: str, since: date, until: date | None,
                    as_json: bool) -> None:
    """What changed in NAME between two dates: who joined and left, who moved up or down the
    ladder, roles, ties formed and ended, trust, the core and its reach, gaps opened and
    closed."""
    from graph.usecases import changes_between, map_settings
    from service.history_report import format_changes

    state = _state(ctx)
    store = state.store()
    with state.step("Comparing"):
        found = changes_between(store, name, since, until or date.today())
    if as_json:
        echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        return
    cases = state.cases()
    names = {p.id: p.name for day in (found.since, found.until)
             for p in cases.people_as_of(name, day)}
    echo(format_changes(found, names, target_reach=map_settings(store, name).target_reach),
         nl=False)


@main.command("growth")
@click.argument("name", callback=_name_argument)
@click.option("--interval", type=click.Choice(("week", "month", "quarter")), default="month",
              show_default=True, help="One point per week, month or quarter.")
@click.option("--since", "since", type=_IsoDate(), default=None,
              help="Start at the period holding this date.  [default: the first record]")
@click.option("--json", "as_json", is_flag=True,
              help="Print the series as JSON: interval, points (oldest first) and "
              "recruitment.")
@click.pass_context
def growth_command(ctx: click.Context, name: str, interval: str, since: date | None,
                   as_json: bool) -> None:
    """Is NAME growing: one row per period from its first record to today (the current period
    so far): people, joined and left, ties formed and ended, the engaged core and its reach
    against their targets, new leaders and open gaps."""
    from graph.usecases import growth_of
    from service.growth_report import format_growth

    state = _state(ctx)
    with state.step("Measuring every period"):
        series = growth_of(state.store(), name, interval, since=since)
    if as_json:
        echo(json.dumps(series.to_dict(), indent=2, ensure_ascii=False))
        return
    echo(format_growth(series, name), nl=False)


@main.command("history")
@click.argument("name", callback=_name_argument)
@click.option("--person", "person", default=None, metavar="ID",
              help="Only the changes about this person (them and their ties).")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="At most this many change sets, newest first.")
@click.option("--before", type=click.IntRange(min=1), default=None, metavar="ID",
              help="Start below this change set (to page back).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a list of change sets, newest first, each with id, recorded_at, by, "
              "via and changes.")
@click.pass_context
def history_command(ctx: click.Context, name: str, person: str | None, limit: int,
                    before: int | None, as_json: bool) -> None:
    """Every change to NAME, newest first: who, when, through what and what changed."""
    from service.history_report import format_history

    found = _state(ctx).cases().history(name, person=person, limit=limit, before=before)
    if as_json:
        echo(json.dumps([c.to_dict() for c in found], indent=2, ensure_ascii=False))
        return
    echo(format_history(found), nl=False)


@main.command("undo")
@click.argument("name", callback=_name_argument)
@click.argument("change_set_id", type=click.IntRange(min=1), metavar="CHANGESET_ID")
@click.pass_context
def undo_command(ctx: click.Context, name: str, change_set_id: int) -> None:
    """Undo change set CHANGESET_ID of NAME with a new change set that reverses it.

    Nothing recorded is rewritten, so the undo can itself be undone. When a later change
    touched the same fields, nothing changes and the conflict is named.
    """
    state = _state(ctx)
    saved = state.cases().undo(name, change_set_id)
    if saved.change_set is None:
        echo(f"Change set {change_set_id} changes nothing any more; nothing to undo.")
        return
    echo(f"Undid change set {change_set_id} of {name!r} as change set "
               f"{saved.change_set} (undo that with "
               f"{state.hint(f'undo {_quote(name)} {saved.change_set}')}).")


@main.command("delete")
@click.argument("name", callback=_name_argument)
@click.option("--yes", is_flag=True, help="Delete without asking first (for scripts).")
@click.pass_context
def delete_command(ctx: click.Context, name: str, yes: bool) -> None:
    """Delete NAME with everyone in it, its whole history and every role anyone had in it.

    Asks first, unless --yes; nothing of the map is kept, so copy it first if in doubt
    ('movemap copy').
    """
    state = _state(ctx)
    summary = next((s for s in state.store().list_constituencies() if s.name == name), None)
    if summary is None:
        raise NotFound(f"there is no constituency named {name!r}; "
                       f"'{state.hint('list')}' shows them")
    if not yes:
        asked = (f"Delete {name!r} with {_count(summary.people, 'person', 'people')}, "
                 f"{_count(summary.relationships, 'tie')} and its whole history?")
        try:
            confirmed = click.confirm(asked, default=False, err=True)
        except click.Abort:  # no answer (end of input, Ctrl+C) is no
            confirmed = False
        if not confirmed:
            raise MovemapError("nothing was deleted (answer y, or add --yes to delete without "
                               "being asked)")
    state.cases("cli delete").delete_constituency(name)
    from service.cli_web import forget_roles

    accounts = forget_roles(name)
    if accounts is None:
        echo(f"Deleted {name!r} with its history. No accounts file is here "
             "(MOVEMAP_ACCOUNTS), so no roles were changed; a map made later under this name "
             "starts with none.")
    else:
        echo(f"Deleted {name!r} with its history and every role in it ({accounts}).")


@main.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """List the constituencies in the store, with their counts."""
    state = _state(ctx)
    summaries = state.store().list_constituencies()
    if not summaries:
        echo(f"No constituencies yet in {redact_url(state.store_url)}.")
        echo(f"Try: {state.hint('demo')}")
        return
    rows = [("name", "people", "relationships", "expected segments", "description")]
    for s in summaries:
        description = s.description if len(s.description) <= 50 else s.description[:49] + "…"
        rows.append((s.name, f"{s.people:,}", f"{s.relationships:,}",
                     f"{s.expected_segments:,}", description))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0]), *(row[c].rjust(widths[c]) for c in (1, 2, 3)),
                 row[4]]
        echo("  ".join(cells).rstrip())


@main.command("copy")
@click.argument("source_url", metavar="SOURCE_URL")
@click.argument("target_url", metavar="TARGET_URL")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--replace", is_flag=True,
              help="Overwrite constituencies the target already has.")
@click.pass_context
def copy_command(ctx: click.Context, source_url: str, target_url: str, names: tuple[str, ...],
                 replace: bool) -> None:
    """Copy constituencies between stores, e.g. from SQLite to Neo4j, and check the counts.

    Copies the NAMEd constituencies (all of them when none is named) from SOURCE_URL to
    TARGET_URL, in one transaction of the target: people, relationships, expected segments
    and descriptions. The target's counts are compared with the source's before the copy is
    kept; if they differ, nothing is copied.

    \b
    Example:
      movemap copy sqlite:///movemap.db neo4j://localhost:7687
      movemap copy neo4j://localhost:7687 sqlite:///backup.db bay --replace
    """
    from graph.stores.copy import copy_constituencies

    state = _state(ctx)
    for name in names:
        _check_name(name)
    if source_url.strip() == target_url.strip():
        raise click.BadParameter("SOURCE_URL and TARGET_URL are the same store",
                                 param_hint="TARGET_URL")
    source = open_store(source_url)
    try:
        target = open_store(target_url)
        try:
            with state.step(f"Copying from {source.url} to {target.url}"):
                copied = copy_constituencies(
                    source, target, names, replace=replace,
                    on_progress=(lambda text: echo(f"  {text}", err=True))
                    if state.progress else None,
                )
        finally:
            target.close()
    finally:
        source.close()
    if not copied:
        echo(f"{source.url} has no constituencies; nothing to copy.")
        return
    for s in copied:
        echo(
            f"Copied {s.name!r}: {_count(s.people, 'person', 'people')}, "
            f"{_count(s.relationships, 'relationship')}, "
            f"{_count(s.expected_segments, 'expected segment')} (counts verified)."
        )


def _count(k: int, noun: str, plural: str | None = None) -> str:
    return f"1 {noun}" if k == 1 else f"{k:,} {plural or noun + 's'}"


# The account, web, event, format (import, export) and purpose commands register themselves on
# ``main``.
from service import cli_events as _cli_events  # noqa: E402, F401
from service import cli_formats as _cli_formats  # noqa: E402, F401
from service import cli_links as _cli_links  # noqa: E402, F401
from service import cli_purpose as _cli_purpose  # noqa: E402, F401
from service import cli_web as _cli_web  # noqa: E402, F401

if __name__ == "__main__":  # pragma: no cover
    main()
