"""Open every page of the built book in headless chromium and check what a reader gets.

For each page: the title, rendered math (MathJax output present when the page has math),
zero failed requests, zero requests to anything but the local server, zero console errors,
an accessibility audit with axe-core (shipped by the axe-playwright-python package, injected
from disk) without serious, critical or moderate violations, and no output area that scrolls
sideways in a 1280 px wide window.
The README's test command (``make test``) builds the book first when it is missing or stale.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import PageRecorder, launch, serve

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
BOOK_TITLE = "Following the Flow"
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static", "reports"}
WIDTH = 1280  # the narrowest desktop window the book is checked at
# Elements of a notebook output that must not be wider than their box.
WIDE_OUTPUTS = """() => Array.from(document.querySelectorAll('div.cell_output, div.cell_output *'))
    .filter(el => el.scrollWidth > el.clientWidth + 1
                  && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
    .map(el => (el.closest('.cell') || el).id + ': ' + el.textContent.trim().slice(0, 80))"""

# Images whose alt text is missing or only a file name (docutils' default for a figure
# output without alt text): a screen reader would read the hash of a PNG. (Sphinx's own
# expand/collapse icons of the module index, img.toggler, are buttons, not figures.)
BAD_ALTS = """() => Array.from(document.querySelectorAll('main img:not(.toggler)'))
    .filter(img => { const alt = (img.getAttribute('alt') || '').trim();
                     return alt.length < 8 || /\\.(png|jpe?g|svg|gif)$/i.test(alt); })
    .map(img => (img.getAttribute('src') || '').slice(0, 60))"""


def axe_violations(page):
    """axe-core's violations that matter: impact moderate, serious or critical."""
    # preload=False: axe's own fetch of the stylesheets resolves @import against the site
    # root (a 404 for /basic.css that no reader's browser makes); its one rule that needs
    # the stylesheets (css-orientation-lock) is then skipped.
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    return [
        f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("moderate", "serious", "critical")
    ]


def book_pages():
    if not (HTML / "index.html").exists():
        return []
    pages = [p for p in HTML.rglob("*.html") if not SKIP_DIRS & set(p.relative_to(HTML).parts)]
    return sorted(str(p.relative_to(HTML)) for p in pages)


PAGES = book_pages()


def test_book_is_built():
    assert PAGES, f"{HTML / 'index.html'} is missing: run `make book` (make test builds it)"
    for expected in (
        "index.html",
        "chapters/preface.html",
        "chapters/notation.html",
        "chapters/bibliography.html",
        "chapters/api.html",
    ):
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
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
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
    assert page.evaluate(WIDE_OUTPUTS) == [], f"{page_file}: outputs wider than the page"
    assert page.evaluate(BAD_ALTS) == [], f"{page_file}: figures without meaningful alt text"
    assert axe_violations(page) == [], f"{page_file}: accessibility"
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


SLIDER_PAGES = [
    p for p in PAGES if 'class="lstmkit-slider"' in (HTML / p).read_text(encoding="utf-8")
]


def test_the_book_has_static_sliders():
    assert "chapters/02_simple_rnn.html" in SLIDER_PAGES


@pytest.mark.parametrize("page_file", SLIDER_PAGES)
def test_static_sliders_move_without_a_kernel(site, page_file):
    """Every slider on the page answers the keyboard and a click: image, alt text and value."""
    base, browser = site
    page = browser.new_page()
    rec = PageRecorder(page)
    page.goto(base + page_file, wait_until="load")
    sliders = page.locator("div.lstmkit-slider")
    assert sliders.count() >= 1
    for n in range(sliders.count()):
        slider = sliders.nth(n)
        rng = slider.locator("input.lstmkit-slider-input").first
        img = slider.locator("img.lstmkit-slider-frame")
        value = slider.locator("output.lstmkit-slider-value").first
        assert rng.is_visible(), "the controls stay hidden: the slider script did not run"
        before = (img.get_attribute("src"), img.get_attribute("alt"), value.inner_text())
        rng.focus()
        page.keyboard.press("Home")
        first = (img.get_attribute("src"), img.get_attribute("alt"), value.inner_text())
        page.keyboard.press("ArrowRight")
        second = (img.get_attribute("src"), img.get_attribute("alt"), value.inner_text())
        assert first == before  # every slider starts at its first frame
        assert all(a != b for a, b in zip(first, second, strict=True)), (first, second)
        box = rng.bounding_box()
        page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
        last = (img.get_attribute("src"), img.get_attribute("alt"), value.inner_text())
        assert last[0] != second[0] and last[2] != second[2]
        assert rng.input_value() == rng.get_attribute("max")
    page.close()
    assert rec.errors == [] and rec.failed == [] and rec.foreign(base) == []
