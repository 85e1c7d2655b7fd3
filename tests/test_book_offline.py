"""Static checks of the built book: nothing is loaded from the internet, MathJax is local."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"

# Attributes that make a browser fetch something (links in <a href> are only links).
LOADED = re.compile(
    r"""<(script|link|img|iframe|source|video|audio)\b[^>]*?\b(src|href)\s*=\s*["'](https?:)?//""",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"""(url\(\s*["']?|@import\s+["'])(https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def html_files():
    files = sorted(HTML.rglob("*.html"))
    assert files, "the book is not built: run `make book` (make test builds it)"
    return files


def test_no_page_loads_a_remote_resource(html_files):
    offenders = []
    for f in html_files:
        text = f.read_text(encoding="utf-8")
        offenders += [f"{f.relative_to(HTML)}: {m.group(0)}" for m in LOADED.finditer(text)]
    assert offenders == []


def test_no_stylesheet_imports_remote_css_or_fonts():
    offenders = []
    for f in sorted(HTML.rglob("*.css")):
        text = f.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{f.relative_to(HTML)}: {m.group(0)}" for m in CSS_URL.finditer(text)]
    assert offenders == []


def test_mathjax_is_served_from_the_build(html_files):
    preface = (HTML / "chapters" / "preface.html").read_text(encoding="utf-8")
    src = re.findall(r'<script[^>]*src="([^"?]*tex-chtml\.js)(?:\?[^"]*)?"', preface)
    assert src == ["../_static/mathjax/tex-chtml.js"], src
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").stat().st_size > 100_000
    fonts = list((HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))
    assert len(fonts) > 10


def test_widget_manager_is_not_loaded_from_a_cdn(html_files):
    for f in html_files:
        text = f.read_text(encoding="utf-8")
        assert "require.min.js" not in text and "embed-amd.js" not in text, f
