"""docker-compose.yml, the Dockerfile and .dockerignore, checked without Docker.

The compose file is validated against the Compose Specification's JSON schema, the one ``docker
compose`` checks files with, fetched from the npm registry and pinned by its sha256 by
``scripts/install-compose-schema`` (run here on first use; without npm the schema tests fail,
they never skip). The other tests pin down what a schema cannot say: movemap finds Neo4j by its
service name on the Bolt port and waits until it is healthy, both keep their data in declared
named volumes, one variable sets the Neo4j password everywhere, the secret key must be given,
and the image runs ``movemap serve`` on every interface as a non-root user.

Variables are substituted the way Compose does (``${VAR:-default}``, ``${VAR:?message}``,
``$$``) by a small interpreter here, so each test sees the values a container would get.
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets
import shlex
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema.protocols import Validator
from jsonschema.validators import Draft7Validator

from graph.stores.neo4j_store import _Target
from service import Settings, create_app
from service.accounts import accounts_path_from_url
from service.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
INSTALL_SCHEMA = ROOT / "scripts" / "install-compose-schema"
SCHEMA = ROOT / "tools" / "compose-spec" / "compose-spec.json"

SECRET = "s" * 48
NEO4J_PASSWORD = "p" * 16
ENV = {"MOVEMAP_SECRET_KEY": SECRET, "NEO4J_PASSWORD": NEO4J_PASSWORD}
"""The least a user must set: everything else has a default."""

Document = dict[str, Any]


# -- Compose's variable substitution -------------------------------------------------------------


class MissingVariable(Exception):
    """A ``${VAR:?message}`` whose variable is not set: Compose refuses the file."""


_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


def _substitute(text: str, env: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg = match["op"], match["arg"] or ""
        value = env.get(name)
        missing = value is None if op and not op.startswith(":") else not value
        if op is None:
            return value or ""
        if op.endswith("-"):
            return arg if missing else str(value)
        if op.endswith("?"):
            if missing:
                raise MissingVariable(f"{name}: {arg}")
            return str(value)
        return "" if missing else arg  # "+": the argument when set

    return _VARIABLE.sub(one, text)


def _interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Substitute variables in every string value (never in keys), as Compose does."""
    if isinstance(value, dict):
        return {key: _interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, env) for item in value]
    if isinstance(value, str):
        return _substitute(value, env)
    return value


def _raw_compose() -> Document:
    document = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(document, dict)
    return document


def _compose(env: Mapping[str, str] = ENV) -> Document:
    """docker-compose.yml as Compose sees it with these variables set (and no others)."""
    return dict(_interpolate(_raw_compose(), env))


def _environment(service: Document) -> dict[str, str]:
    """A service's environment, given as a mapping or as a list of ``NAME=value``."""
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {key: "" if value is None else str(value) for key, value in environment.items()}


def _named_volume_at(document: Document, service: str, target: str) -> str:
    """The named volume mounted at ``target`` in ``service``; fails for a bind mount or none."""
    for mount in document["services"][service].get("volumes", []):
        if isinstance(mount, str):
            source, _, rest = mount.partition(":")
            mounted_at = rest.split(":")[0]
            kind = "bind" if source.startswith(("/", ".", "~")) else "volume"
        else:
            source, mounted_at, kind = mount.get("source", ""), mount["target"], mount["type"]
        if mounted_at == target:
            assert kind == "volume" and source, f"{service}: {target} is not a named volume"
            return str(source)
    raise AssertionError(f"{service} mounts nothing at {target}")


def _published_ports(service: Document) -> dict[int, int]:
    """Container port -> host port, from ``HOST:CONTAINER`` strings or the long syntax."""
    ports: dict[int, int] = {}
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports[int(port["target"])] = int(port["published"])
        else:
            host, _, container = str(port).rpartition(":")
            ports[int(container.split("/")[0])] = int(host.rpartition(":")[2] or container)
    return ports


# -- the schema ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose_schema() -> Validator:
    """A validator for the pinned Compose Specification schema (installed on first use)."""
    done = subprocess.run(
        [str(INSTALL_SCHEMA)], capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"scripts/install-compose-schema failed (exit {done.returncode}): "
            f"{done.stderr.strip()}",
            pytrace=False,
        )
    schema = json.loads(SCHEMA.read_text())
    assert schema["title"] == "Compose Specification"
    # "https://json-schema.org/draft-07/schema" is draft 7, though jsonschema knows it only
    # by its http://...# spelling
    assert "draft-07" in schema["$schema"]
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def _schema_errors(validator: Validator, document: Document) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


def test_the_compose_file_follows_the_compose_specification(compose_schema: Validator) -> None:
    assert _schema_errors(compose_schema, _raw_compose()) == []
    assert _schema_errors(compose_schema, _compose()) == []


def _unknown_service_key(document: Document) -> None:
    document["services"]["movemap"]["restart_policy"] = "always"


def _healthcheck_interval_as_a_number(document: Document) -> None:
    document["services"]["neo4j"]["healthcheck"]["interval"] = 10


def _misspelt_depends_on_condition(document: Document) -> None:
    document["services"]["movemap"]["depends_on"]["neo4j"]["condition"] = "service_healty"


def _unknown_top_level_key(document: Document) -> None:
    document["volume"] = document.pop("volumes")


@pytest.mark.parametrize(
    ("breakage", "where"),
    [
        (_unknown_service_key, "services/movemap"),
        (_healthcheck_interval_as_a_number, "services/neo4j/healthcheck/interval"),
        (_misspelt_depends_on_condition, "services/movemap/depends_on"),
        (_unknown_top_level_key, "(top)"),
    ],
    ids=["unknown-service-key", "healthcheck-wrong-type", "bad-condition", "unknown-top-key"],
)
def test_the_schema_check_rejects_a_broken_compose_file(
    compose_schema: Validator, breakage: Callable[[Document], None], where: str
) -> None:
    broken = copy.deepcopy(_compose())
    breakage(broken)
    errors = _schema_errors(compose_schema, broken)
    assert errors, "the broken file passed the schema"
    assert any(error.startswith(f"{where}:") for error in errors), errors


def test_the_compose_file_has_no_obsolete_version_key() -> None:
    assert "version" not in _raw_compose()


# -- what a schema cannot check -----------------------------------------------------------------


def test_movemap_finds_neo4j_by_its_service_name_on_the_bolt_port() -> None:
    services = _compose()["services"]
    store = urlsplit(_environment(services["movemap"])["MOVEMAP_STORE"])
    assert store.scheme in {"neo4j", "bolt"}
    assert store.hostname in services
    assert str(services[store.hostname]["image"]).startswith("neo4j:")
    assert store.port == 7687


def test_movemap_starts_only_once_neo4j_is_healthy() -> None:
    services = _compose()["services"]
    assert services["movemap"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    healthcheck = services["neo4j"]["healthcheck"]
    assert not healthcheck.get("disable", False)
    assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}
    assert {"interval", "timeout", "retries", "start_period"} <= healthcheck.keys()


def test_neo4j_keeps_its_data_in_a_declared_named_volume() -> None:
    document = _compose()
    assert _named_volume_at(document, "neo4j", "/data") in document["volumes"]


def test_movemap_keeps_accounts_and_its_secret_in_a_declared_named_volume() -> None:
    document = _compose()
    environment = _environment(document["services"]["movemap"])
    data_dir = PurePosixPath(environment["MOVEMAP_DATA_DIR"])
    accounts = PurePosixPath(accounts_path_from_url(environment["MOVEMAP_ACCOUNTS"]))
    assert accounts.is_absolute() and data_dir in accounts.parents
    volume = _named_volume_at(document, "movemap", str(data_dir))
    assert volume in document["volumes"]
    assert volume != _named_volume_at(document, "neo4j", "/data")


def _neo4j_credentials(env: Mapping[str, str]) -> tuple[str, str, str, str]:
    """(server user, server password, movemap's user, movemap's password) with these variables."""
    services = _compose(env)["services"]
    user, _, password = _environment(services["neo4j"])["NEO4J_AUTH"].partition("/")
    movemap = _environment(services["movemap"])
    return user, password, movemap["MOVEMAP_NEO4J_USER"], movemap["MOVEMAP_NEO4J_PASSWORD"]


def test_one_variable_sets_the_neo4j_password_for_both_services() -> None:
    chosen = secrets.token_urlsafe(16)
    user, password, client_user, client_password = _neo4j_credentials(
        {**ENV, "NEO4J_PASSWORD": chosen}
    )
    assert (client_user, password, client_password) == (user, chosen, chosen)

    # no copy of another password is left behind, hard-coded, once the variable is set
    assert NEO4J_PASSWORD not in json.dumps(_compose({**ENV, "NEO4J_PASSWORD": chosen}))


def test_movemap_reads_its_settings_from_the_compose_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen = secrets.token_urlsafe(16)
    services = _compose({**ENV, "NEO4J_PASSWORD": chosen})["services"]
    for name in [name for name in os.environ if name.startswith("MOVEMAP_")]:
        monkeypatch.delenv(name)
    for name, value in _environment(services["movemap"]).items():
        monkeypatch.setenv(name, value)

    settings = Settings.from_env()
    assert settings.secret_key == SECRET
    assert settings.accounts_url == "sqlite:////data/movemap-accounts.db"
    # where and as whom the Neo4j store connects, parsed as it does (without connecting)
    target = _Target(settings.store_url)
    assert target.uri == "neo4j://neo4j:7687"
    assert (target.user, target.password, target.database) == ("neo4j", chosen, "neo4j")


def _run_healthcheck(test: str | list[str], env: Mapping[str, str]) -> int:
    if isinstance(test, str):
        argv = ["/bin/sh", "-c", test]
    elif test[0] == "CMD-SHELL":
        argv = ["/bin/sh", "-c", " ".join(test[1:])]
    else:
        assert test[0] == "CMD", test
        argv = test[1:]
    return subprocess.run(argv, env=dict(env), check=False, timeout=30).returncode


def test_the_neo4j_healthcheck_signs_in_with_the_shared_password(tmp_path: Path) -> None:
    chosen = secrets.token_urlsafe(16)
    neo4j = _compose({**ENV, "NEO4J_PASSWORD": chosen})["services"]["neo4j"]
    calls = tmp_path / "calls"
    fake = tmp_path / "bin" / "cypher-shell"  # stands in for Neo4j's, records its arguments
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$CALLS"\nexit "${FAKE_EXIT:-0}"\n')
    fake.chmod(0o755)
    env = {**_environment(neo4j), "PATH": f"{fake.parent}:/usr/bin:/bin", "CALLS": str(calls)}

    assert _run_healthcheck(neo4j["healthcheck"]["test"], env) == 0
    args = calls.read_text().splitlines()
    assert args[args.index("-u") + 1] == "neo4j"
    assert args[args.index("-p") + 1] == chosen
    assert _run_healthcheck(neo4j["healthcheck"]["test"], {**env, "FAKE_EXIT": "1"}) != 0


def test_compose_refuses_to_start_without_a_neo4j_password() -> None:
    # no default password: a forgotten variable must not leave a guessable one in place
    with pytest.raises(MissingVariable, match="NEO4J_PASSWORD"):
        _compose({"MOVEMAP_SECRET_KEY": SECRET})


def test_movemap_listens_on_loopback_only_unless_told_otherwise() -> None:
    ports = _compose()["services"]["movemap"]["ports"]
    assert ports == ["127.0.0.1:8000:8000"]


def test_compose_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(MissingVariable, match="MOVEMAP_SECRET_KEY"):
        _compose({"NEO4J_PASSWORD": NEO4J_PASSWORD})
    movemap = _compose()["services"]["movemap"]
    assert _environment(movemap)["MOVEMAP_SECRET_KEY"] == SECRET


# -- the Dockerfile and its build context ----------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        pending += stripped
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        keyword, _, arguments = pending.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def _last(keyword: str) -> str:
    values = [arguments for name, arguments in _instructions() if name == keyword]
    assert values, f"the Dockerfile has no {keyword}"
    return values[-1]


def _exec_form(keyword: str) -> list[str]:
    values = [arguments for name, arguments in _instructions() if name == keyword]
    if not values:
        return []
    argv = json.loads(values[-1])  # exec form: a JSON array, so signals reach movemap itself
    assert isinstance(argv, list) and all(isinstance(arg, str) for arg in argv)
    return argv


def test_the_image_runs_movemap_serve_on_every_interface() -> None:
    argv = _exec_form("ENTRYPOINT") + _exec_form("CMD")
    assert argv[:2] == ["movemap", "serve"], argv
    serve = main.commands["serve"]
    params = serve.make_context("serve", argv[2:]).params  # the real options, parsed by click
    assert params["host"] == "0.0.0.0"
    assert str(params["port"]) in _last("EXPOSE").split()

    movemap = _compose()["services"]["movemap"]
    assert params["port"] in _published_ports(movemap)
    assert movemap["build"] in [".", {"context": "."}]


def test_the_image_is_python_3_11_slim_with_pinned_dependencies() -> None:
    assert _last("FROM") == "python:3.11-slim"
    installs = [arguments for name, arguments in _instructions() if name == "RUN"]
    commands = [command for run in installs for command in re.split(r"&&|;", run)]
    pip_installs = [command for command in commands if "pip install" in command]
    assert pip_installs
    for command in pip_installs:
        words = shlex.split(command)
        assert words[words.index("-c") + 1] == "constraints.txt", command
    assert any(shlex.split(command)[-1] == "." for command in pip_installs)


def test_the_image_runs_as_a_non_root_user() -> None:
    instructions = _instructions()
    user = _last("USER").split(":")[0]
    assert user not in {"", "root", "0"}
    created = " ".join(arguments for name, arguments in instructions if name == "RUN")
    assert re.search(rf"useradd\b[^&;]*\s{re.escape(user)}(\s|$)", created), "user never created"
    last_user = max(i for i, (name, _) in enumerate(instructions) if name == "USER")
    assert last_user < max(i for i, (name, _) in enumerate(instructions) if name == "CMD")


def test_the_image_healthcheck_asks_a_url_that_answers_without_signing_in(
    tmp_path: Path,
) -> None:
    healthcheck = _last("HEALTHCHECK")
    found = re.search(r"http://[^'\"\s]+", healthcheck)
    assert found, healthcheck
    url = urlsplit(found.group(0))
    assert url.hostname in {"127.0.0.1", "localhost"}
    argv = _exec_form("ENTRYPOINT") + _exec_form("CMD")
    assert str(url.port) == argv[argv.index("--port") + 1]

    app = create_app(Settings(
        store_url=f"sqlite:///{tmp_path / 'store.db'}",
        accounts_url=f"sqlite:///{tmp_path / 'accounts.db'}",
        secret_key="test-secret-" + "x" * 40,
    ))
    assert app.test_client().get(url.path).status_code == 200


def _dockerignore_excludes(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` out of the build context (a file or anything in a
    folder a pattern names; ``*``, ``?`` and ``**`` as Docker reads them, ``!`` re-includes)."""
    excluded = False
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for line in DOCKERIGNORE.read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = "".join(
            ".*" if token == "**/" or token == "**" else "[^/]*" if token == "*"
            else "[^/]" if token == "?" else re.escape(token)
            for token in re.findall(r"\*\*/|\*\*|\*|\?|[^*?]+", pattern)
        )
        if any(re.fullmatch(regex, candidate) for candidate in candidates):
            excluded = not negated
    return excluded


@pytest.mark.parametrize("path", [
    ".git/HEAD", ".venv/bin/python", ".env", "movemap.db", "movemap.db-wal",
    "test-artifacts/page.png", "tools/axe/node_modules/axe-core/axe.min.js",
    "tools/neo4j-test-server/target/server.jar", "graph/__pycache__/model.cpython-311.pyc",
    "movemap.egg-info/PKG-INFO",
])
def test_the_build_context_leaves_out_local_state_and_secrets(path: str) -> None:
    assert _dockerignore_excludes(path)


def test_the_build_context_keeps_everything_the_dockerfile_copies() -> None:
    sources = [
        source
        for name, arguments in _instructions()
        if name == "COPY"
        for source in arguments.split()[:-1]
        if not source.startswith("--")
    ]
    assert sources
    for source in sources:
        path = ROOT / source
        assert path.exists(), source
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        kept = [p for p in files if not _dockerignore_excludes(str(p.relative_to(ROOT)))]
        assert kept, f"{source} is copied but .dockerignore leaves it out"
        if path.is_dir():  # the package data the web app needs comes along
            assert all("__pycache__" in p.parts or p in kept for p in files), source
