"""The command line starts with only what every command needs: the validation library, numpy,
the picture library and the web service's modules are imported by the commands that use them
(``movemap --help`` and ``movemap list`` answer in well under a second; bench/startup.py
measures them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEAVY = ("pydantic", "numpy", "numba", "PIL", "igraph", "plotly", "flask", "graph.model",
         "service.links", "service.pictures", "graph.formats")


def test_importing_the_command_line_loads_none_of_the_heavy_modules() -> None:
    probe = ("import json, sys; import service.cli; "
             f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_light_names_are_the_models_own() -> None:
    import graph.codes
    import graph.model
    from service import cli_links, links

    for name in graph.codes.__all__:
        assert getattr(graph.model, name) is getattr(graph.codes, name)
    assert cli_links.MAX_LINK_DAYS == links.MAX_LINK_DAYS
