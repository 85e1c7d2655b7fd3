"""Open every page of the built book in headless chromium and check what a reader gets.

For each page: the title, rendered math (MathJax output present when the page has math),
zero failed requests, zero requests to anything but the local server, zero console errors,
an accessibility audit with axe-core (shipped by the axe-playwright-python package, injected
from disk) without serious, critical or moderate violations. Then, in a 1280 px wide window:
nothing wider than the text column (display equations, images, tables, outputs), and the
text of every figure and slider frame, as displayed, at least as large as the code font.
The README's test command (``make test``) builds the book first when it is missing or stale.
"""

import base64
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import PageRecorder, launch, serve

from lstmkit.viz import textsize

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
BOOK_TITLE = "Following the Flow"
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static", "reports"}
WIDTH = 1280  # the narrowest desktop window the book is checked at
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


# --------------------------------------------------------------------------- the column

# Every display equation, image, table and output (with everything inside it) on the page
# whose content reaches beyond the text column: its box, or what scrolls or is clipped
# inside it (scrollWidth). The column is the article's content box.
TOO_WIDE = """() => {
  const column = document.querySelector('article.bd-article');
  const style = getComputedStyle(column), box = column.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft);
  const right = box.right - parseFloat(style.paddingRight);
  const kinds = [['display equation', 'mjx-container[display="true"]'], ['image', 'img'],
                 ['table', 'table'], ['output', 'div.cell_output, div.cell_output *']];
  const found = [];
  for (const [kind, selector] of kinds) {
    for (const el of column.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) { continue; }  // not displayed (a folded cell)
      const width = Math.max(r.width, el.scrollWidth);
      if (r.left < left - 1 || r.left + width > right + 1) {
        const what = (el.getAttribute('alt') || el.textContent || '').trim().slice(0, 60);
        found.push(`${kind} ${JSON.stringify(what)}: ${Math.round(width)} px wide at `
                   + `${Math.round(r.left - left)} px in a column of `
                   + `${Math.round(right - left)} px`);
      }
    }
  }
  return found;
}"""

# Every picture in the article: its source, displayed and pixel width, and for a static
# slider the sources of all its frames; and the font size of the page's code.
PICTURES = """() => {
  const column = document.querySelector('article.bd-article');
  let code = column.querySelector('div.highlight pre');
  const probe = code ? null : document.createElement('div');
  if (probe) { probe.className = 'highlight'; probe.innerHTML = '<pre>x</pre>';
               column.appendChild(probe); code = probe.firstChild; }
  const codePx = parseFloat(getComputedStyle(code).fontSize);
  if (probe) { probe.remove(); }
  const pictures = Array.from(column.querySelectorAll('img:not(.toggler)')).map(img => {
    const slider = img.closest('div.lstmkit-slider');
    let frames = [img.src];
    if (slider) {
      const data = JSON.parse(slider.querySelector('script.lstmkit-slider-data').textContent);
      frames = data.frames.map(f => f === null ? img.src : f);
    }
    return {alt: (img.alt || '').slice(0, 50), shown: img.getBoundingClientRect().width,
            natural: img.naturalWidth, frames: frames};
  });
  return {codePx, pictures};
}"""


@pytest.fixture(scope="module")
def opened(site):
    """``opened(page_file)``: the page in a 1280 px window with its math typeset, loaded
    once for all the layout tests of this section."""
    base, browser = site
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    pages = {}

    def open_page(page_file):
        if page_file not in pages:
            page = context.new_page()
            page.goto(base + page_file, wait_until="load")
            if has_math(page_file):
                page.wait_for_function("() => window.MathJax && MathJax.startup")
                page.evaluate("() => MathJax.startup.promise")
            pages[page_file] = page
        return pages[page_file]

    yield open_page
    context.close()


ARTICLES = [p for p in PAGES if p not in ("index.html", "search.html", "genindex.html")]


@pytest.mark.parametrize("page_file", ARTICLES)
def test_nothing_is_wider_than_the_column(opened, page_file):
    too_wide = opened(page_file).evaluate(TOO_WIDE)
    assert too_wide == [], f"{page_file}: wider than the text column: " + "; ".join(too_wide)


def png_bytes(page_url, src):
    """The PNG behind an image source: a data URI or a file of the built book."""
    if src.startswith("data:"):
        return base64.b64decode(src.split(",", 1)[1])
    path = unquote(urlparse(urljoin(page_url, src)).path).lstrip("/")
    return (HTML / path).read_bytes()


def smallest_shown_text(page, page_file):
    """``(code font px, [(shown px, description)])`` for every picture with text on the page."""
    found = page.evaluate(PICTURES)
    shown = []
    for pic in found["pictures"]:
        scale = pic["shown"] / pic["natural"]
        for n, src in enumerate(pic["frames"]):
            record = textsize.read(png_bytes(page.url, src))
            where = f"{pic['alt']!r} (frame {n})" if len(pic["frames"]) > 1 else repr(pic["alt"])
            assert record is not None, f"{page_file}: {where} records no text size"
            if record["px"] is not None:
                what = f"{where}: {record['text']!r} {record['px']:.1f} px in the PNG"
                shown.append((record["px"] * scale, f"{what}, shown at {scale:.2f}"))
    return found["codePx"], shown


@pytest.mark.parametrize("page_file", ARTICLES)
def test_figure_text_is_as_large_as_the_code(opened, page_file):
    """Text in figures and slider frames, as displayed, is not smaller than the code font."""
    code_px, shown = smallest_shown_text(opened(page_file), page_file)
    small = sorted(s for s in shown if s[0] < code_px - 0.05)
    listed = "; ".join(f"{px:.1f} px {what}" for px, what in small)
    assert small == [], f"{page_file}: figure text below the code font ({code_px} px): {listed}"
