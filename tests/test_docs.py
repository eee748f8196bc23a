"""The project explains itself: every link in the README and ``docs/`` stays inside the
repository and finds its file (and heading), the concepts page covers every gap kind, and no
code, comment or document points to something outside the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.analysis.gap_groups import KIND_WORDS
from graph.analysis.gaps import GAP_KINDS

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LOCAL = re.compile(r"^https?://(localhost|127\.0\.0\.1)([:/]|$)")

_INLINE = re.compile(r"(?<!\!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$", re.M)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_BARE = re.compile(r"(?<![<(])\bhttps?://[^\s)>\]`'\"]+")


def _without_code(text: str) -> str:
    """The text outside fenced code blocks and inline code (examples are not links)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def _links(path: Path) -> list[str]:
    text = _without_code(path.read_text(encoding="utf-8"))
    return [*_INLINE.findall(text), *_IMAGE.findall(text), *_REFERENCE.findall(text),
            *_AUTOLINK.findall(text), *_BARE.findall(text)]


def _anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", _fenceless(path), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def _fenceless(path: Path) -> str:
    return re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_stays_in_the_repository_and_finds_its_file(document: Path) -> None:
    for link in _links(document):
        if LOCAL.match(link):
            continue  # an example address of a movemap running on this machine
        assert not re.match(r"^[a-z][a-z0-9+.\-]*:", link, re.I), (
            f"{document.name} links outside the repository: {link}")
        target, _, fragment = link.partition("#")
        path = (document.parent / target).resolve() if target else document
        assert path.is_relative_to(ROOT), f"{document.name} leaves the repository: {link}"
        assert path.exists(), f"{document.name} links to a missing file: {link}"
        if fragment and path.suffix == ".md":
            assert fragment in _anchors(path), f"{document.name}: no heading for {link}"


def test_the_link_checker_catches_links_that_leave_or_break(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("[a](https://example.org/x) [b](../../../etc/passwd) [c](#top)\n"
                    "<https://elsewhere.example/> see http://outside.example/y\n"
                    "`http://in-code.example/` [d](http://localhost:8000/)\n"
                    "```\nhttps://in-a-fence.example/\n```\n", encoding="utf-8")
    assert _links(page) == ["https://example.org/x", "../../../etc/passwd", "#top",
                            "http://localhost:8000/", "https://elsewhere.example/",
                            "http://outside.example/y"]


def test_the_readme_links_the_documents() -> None:
    readme = _links(ROOT / "README.md")
    for name in ("docs/concepts.md", "docs/terms.md", "docs/history.md", "docs/security.md",
                 "docs/purpose.md"):
        assert name in readme, name


def test_the_concepts_page_explains_every_gap_kind_groups_trust_and_roles() -> None:
    text = (ROOT / "docs" / "concepts.md").read_text(encoding="utf-8")
    for kind in GAP_KINDS:
        assert f"`{kind}`" in text, f"docs/concepts.md does not explain the gap kind {kind}"
        assert kind in KIND_WORDS, f"no title and advice for the gap kind {kind}"
    for code in ("people", "givers_of_service", "system_leaders", "relational", "functional",
                 "flow_of_value", "lone_wolf", "mobiliser", "organiser"):
        assert f"`{code}`" in text, code
    for words in ("3%", "90%", 'What "in conversation" means', "When the one tie is to an "
                  "organiser"):
        assert words in text, words


OUTSIDE = [
    re.compile(r"\b" + "DOMAIN" + r"\.md\b"),
    re.compile(r"\b" + "STYLE" + r"\.md\b"),
    re.compile(r"\bissue\s+#?\d+", re.I),
    re.compile(r"/work/(main|wt|shared)\b"),
]
"""How a reference to something outside the project reads (split, so this file is clean)."""


def test_no_code_comment_or_document_refers_to_anything_outside_the_project() -> None:
    found = []
    for folder in ("graph", "service", "dashboards", "tests", "bench", "scripts", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".md", ".html", ".js", ".css", ".toml", ".sh", ""}:
                continue
            if not path.is_file() or "node_modules" in path.parts or path == Path(__file__):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}"
                      for pattern in OUTSIDE for m in pattern.finditer(text)]
    for name in ("README.md", "Makefile", "Dockerfile", "pyproject.toml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        found += [f"{name}: {m.group(0)}" for pattern in OUTSIDE for m in pattern.finditer(text)]
    assert found == []
