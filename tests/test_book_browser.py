"""Open every page of the built book in headless chromium and check what a reader gets.

For each page: the title, rendered math (MathJax output present when the page has math),
zero failed requests, zero requests to anything but the local server, zero console errors.
The README's test command (``make test``) builds the book first when it is missing or stale.
"""

import re
from pathlib import Path

import pytest
from browser import PageRecorder, launch, serve

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
BOOK_TITLE = "Following the Flow"
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static"}


def book_pages():
    if not (HTML / "index.html").exists():
        return []
    pages = [p for p in HTML.rglob("*.html") if not SKIP_DIRS & set(p.relative_to(HTML).parts)]
    return sorted(str(p.relative_to(HTML)) for p in pages)


PAGES = book_pages()


def test_book_is_built():
    assert PAGES, f"{HTML / 'index.html'} is missing: run `make book` (make test builds it)"
    for expected in ("index.html", "chapters/preface.html", "chapters/notation.html",
                     "chapters/bibliography.html", "chapters/api.html"):
        assert expected in PAGES


@pytest.fixture(scope="module")
def site():
    if not PAGES:
        pytest.fail("the book is not built: run `make book`")
    with serve(HTML) as base, launch() as browser:
        yield base, browser


def has_math(page_file):
    text = (HTML / page_file).read_text(encoding="utf-8")
    return 'class="math' in text


@pytest.mark.parametrize("page_file", [p for p in PAGES if p != "index.html"])
def test_page_renders_offline(site, page_file):
    base, browser = site
    context = browser.new_context()
    page = context.new_page()
    rec = PageRecorder(page)
    page.goto(base + page_file, wait_until="load")
    page.wait_for_load_state("networkidle")
    if has_math(page_file):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        rendered = page.locator("mjx-container").count()
        assert rendered > 0, f"{page_file}: the page has math but MathJax rendered none"
        assert page.locator("mjx-merror").count() == 0, f"{page_file}: MathJax reported a TeX error"
    title = page.title()
    headings = [h.strip().rstrip("#").strip() for h in page.locator("main h1").all_inner_texts()]
    headings = [re.sub(r"^[\d.]+\s+", "", h) for h in headings if h.strip()]
    assert title.endswith(BOOK_TITLE), title
    assert headings and headings[0] in title, (headings, title)
    context.close()
    assert rec.failed == [], rec.failed
    assert rec.bad_status == [], rec.bad_status
    assert rec.foreign(base) == [], rec.foreign(base)
    assert rec.errors == [], rec.errors


def test_index_redirects_to_preface(site):
    base, browser = site
    page = browser.new_page()
    page.goto(base + "index.html", wait_until="load")
    page.wait_for_url(re.compile(r".*/chapters/preface\.html$"))
    assert BOOK_TITLE in page.title()
    page.close()
