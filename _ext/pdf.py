"""Print the whole book as one PDF with headless Chromium (``make pdf``).

    python _ext/pdf.py SINGLEHTML_DIR OUT.pdf

``SINGLEHTML_DIR`` is Jupyter Book's one-page build of the book (``jupyter-book build .
--builder singlehtml``: the preface, then every page of ``_toc.yml`` in order, on one page,
every cross-reference and citation an anchor on that page). This script serves it on
127.0.0.1, opens it in the system chromium (the browser the tests use; no browser download,
no network), waits for MathJax, makes the page a printed book, and prints it:

* a title page and a table of contents (chapters and their sections) whose entries are
  links, with the page each one starts on;
* the theme's navigation, header, sidebars, footers and buttons are left out; every page of
  the book starts on a new page, and a figure, equation, code block or table is not split
  across two pages when it fits on one;
* each slider is printed as its first frame, with a line saying how many frames it has and
  that it is live in the HTML book and in the notebooks;
* solutions (drop-downs in the HTML) are printed open, after their exercise: on paper a
  closed box would hide them for good;
* folded cells (tag ``hide-input``: the checks behind the prose, figure plumbing) are left
  out as code; what they print stays (a check prints one line saying what it checked), and
  the notebooks have the code.

Chromium writes the links of the page as links inside the PDF and, with ``outline=True``
and ``tagged=True``, the headings as the PDF's bookmarks. The table of contents gets its page
numbers from a first printing: the page of each heading is read back from the PDF's named
destinations (pypdf), written into the contents, and the book printed again; the contents
have a fixed layout, so the numbers do not move what they count.
"""

import logging
import os
import shutil
import sys
import time
from pathlib import Path

import chromium  # _ext/chromium.py: the system chromium, its flags and a local server
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

ROOT = Path(__file__).resolve().parent.parent

LIVE_NOTE = "Live in the HTML book and the notebooks"

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html, body { background: white !important; }
/* the theme's own print layout: a page title and contents per page, the first h1 hidden */
#jb-print-docs-body, #jb-print-toc { display: none !important; }
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
body { font-size: 10.5pt; }
/* the theme's chrome: navigation, header, sidebars, footers, buttons, search */
.bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
.bd-footer-article, .bd-footer-content, .prev-next-area, .skip-link, #pst-back-to-top,
.search-button-field, .headerlink, button.toggle-button, .header-article-items,
#pst-scroll-pixel-helper, .bd-search, .sidebar-toggle { display: none !important; }
.bd-container, .bd-container__inner, .bd-page-width, .bd-main, .bd-content, .bd-article-container,
.bd-article { display: block !important; max-width: none !important; width: auto !important;
             margin: 0 !important; padding: 0 !important; overflow: visible !important; }
/* every page of the book starts a new page */
.pdf-part { break-before: page; }
/* not split across pages */
figure, img, .math, mjx-container[display="true"], div.cell_input, .highlight, table,
.cell_output img, .lstmkit-slider, .pdf-slider-note, .admonition-title { break-inside: avoid; }
h1, h2, h3, h4, .admonition-title { break-after: avoid; }
pre { white-space: pre-wrap !important; word-break: break-word; overflow: visible !important; }
div.cell_output pre, .highlight pre { max-height: none !important; }
mjx-container[display="true"] { overflow: visible !important; }
/* folded cells: the code is in the notebooks, what it prints stays */
details.hide.above-input, details.hide.below-input { display: none !important; }
/* solutions open */
.admonition.toggle-hidden .admonition-title ~ * { height: auto !important; opacity: 1 !important;
    visibility: visible !important; margin: revert !important; }
/* sliders: the first frame and a note, no controls */
.lstmkit-slider-controls, .lstmkit-slider-nojs, .lstmkit-slider button,
.lstmkit-slider input, .lstmkit-slider output, .lstmkit-slider label { display: none !important; }
.pdf-slider-note { font-size: 9pt; font-style: italic; color: #333; margin: 0.2em 0 1em 0; }
/* title page and contents */
#pdf-front { font-size: 11pt; }
#pdf-front .pdf-title { break-after: page; text-align: center; padding-top: 38%; }
#pdf-front .pdf-title p.pdf-book-title { font-size: 32pt; margin-bottom: 0.6em; font-weight: 500; }
#pdf-front .pdf-title p { font-size: 12pt; margin: 0.3em 0; }
#pdf-front .pdf-title p:last-child { margin-top: 4em; font-size: 10pt; font-style: italic; }
#pdf-front .pdf-toc h1 { font-size: 20pt; }
#pdf-front .pdf-toc ol { list-style: none; padding-left: 0; margin: 0; }
#pdf-front .pdf-toc li { break-inside: avoid; }
#pdf-front .pdf-toc li.pdf-toc-1 { margin-top: 0.7em; font-weight: 600; }
#pdf-front .pdf-toc li.pdf-toc-2 { padding-left: 2em; font-size: 10pt; }
#pdf-front .pdf-toc a { display: flex; color: black; text-decoration: none; }
#pdf-front .pdf-toc a .pdf-toc-text { flex: 1 1 auto; }
#pdf-front .pdf-toc a .pdf-toc-page { flex: 0 0 3em; text-align: right; }
"""

# Runs in the page once MathJax is done: title page, contents, sliders, solutions, parts.
PREPARE = """([title, lines, liveNote]) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  // One part per page of the book. singlehtml puts the pages of the toctree inside the root
  // page's (the preface's) section, each after a <span id="document-...">, so their headings
  // come out one level too deep (a chapter title is an <h2>): they are moved up one level,
  // which makes every chapter a top-level bookmark.
  const first = article.querySelector('section');
  first.classList.add('pdf-part');
  const parts = [{section: first, h1: first.querySelector('h1')}];
  for (const marker of article.querySelectorAll('span[id^="document-"]')) {
    const section = marker.nextElementSibling;
    if (!section || section.tagName !== 'SECTION') continue;
    section.classList.add('pdf-part');
    for (const h of [...section.querySelectorAll('h2, h3, h4, h5, h6')]) {
      const up = document.createElement('h' + (Number(h.tagName[1]) - 1));
      for (const attr of h.attributes) up.setAttribute(attr.name, attr.value);
      up.append(...h.childNodes);
      h.replaceWith(up);
    }
    parts.push({section, h1: section.querySelector('h1')});
  }
  // Sphinx numbers unlabelled ids ("id82") page by page, so on the one page a bibliography
  // entry's id is also that of a citation in some chapter, and a link to it would land on
  // whichever comes first: each entry gets an id of its own, and the citations point to it.
  const entries_by_id = new Map();
  for (const entry of article.querySelectorAll('div.citation[id]')) {
    entries_by_id.set(entry.id, `bib-${entry.id}`);
    entry.id = `bib-${entry.id}`;
  }
  for (const a of article.querySelectorAll('.bibtex-citation a[href*="#"]')) {
    const target = entries_by_id.get(new URL(a.href).hash.slice(1));
    if (target) a.setAttribute('href', '#' + target);
  }
  // Sphinx makes the ids of headings without a label from their text, page by page, so on
  // one page several sections are "summary" or "exercises": the later ones are renamed.
  const seen = new Set();
  for (const el of article.querySelectorAll('[id]')) {
    let id = el.id;
    for (let n = 2; seen.has(id); n++) id = `${el.id}-${n}`;
    el.id = id;
    seen.add(id);
  }
  // links to the page itself (Sphinx writes them as chapters/preface.html#label): anchors
  for (const a of article.querySelectorAll('a[href*="#"]')) {
    const url = new URL(a.href);
    if (url.origin === location.origin && url.hash && url.pathname.endsWith('.html')) {
      a.setAttribute('href', url.hash);
    }
  }
  const heading = (h) => h.textContent.replace(/[#¶]/g, '').trim();
  const anchor = (h) => (h.closest('section') || h).id;
  const entries = [];
  for (const {section, h1} of parts) {
    entries.push({level: 1, text: heading(h1), id: anchor(h1)});
    for (const h2 of section.querySelectorAll('h2')) {
      if (h2.closest('section.pdf-part') === section)
        entries.push({level: 2, text: heading(h2), id: anchor(h2)});
    }
  }
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const items = entries.map((e) =>
    `<li class="pdf-toc-${e.level}">` +
    `<a href="#${encodeURIComponent(e.id)}" data-target="${esc(e.id)}">` +
    `<span class="pdf-toc-text">${esc(e.text)}</span><span class="pdf-toc-page"></span>` +
    '</a></li>').join('');
  const front = document.createElement('div');
  front.id = 'pdf-front';
  // the title page's title is not a heading: the bookmarks start with the contents
  front.innerHTML = `<div class="pdf-title"><p class="pdf-book-title">${esc(title)}</p>` +
    lines.map((line) => `<p>${esc(line)}</p>`).join('') + '</div>' +
    `<nav class="pdf-toc" aria-label="Contents"><h1>Contents</h1><ol>${items}</ol></nav>`;
  article.prepend(front);
  // sliders: the first frame, then a note
  for (const slider of document.querySelectorAll('div.lstmkit-slider')) {
    const data = JSON.parse(slider.querySelector('script.lstmkit-slider-data').textContent);
    const count = data.labels.reduce((n, labels) => n * labels.length, 1);
    const img = slider.querySelector('img.lstmkit-slider-frame');
    if (data.frames && data.frames[0]) img.setAttribute('src', data.frames[0]);
    if (data.alts && data.alts[0]) img.setAttribute('alt', data.alts[0]);
    const at = data.names.map((name, i) => `${name} = ${data.labels[i][0]}`).join(', ');
    const note = document.createElement('p');
    note.className = 'pdf-slider-note';
    note.textContent = `Slider: the first of ${count} frames (${at}). ${liveNote}.`;
    slider.after(note);
  }
  // solutions: open
  for (const box of document.querySelectorAll('.admonition.toggle-hidden')) {
    box.classList.remove('toggle-hidden');
  }
  for (const d of document.querySelectorAll('details:not(.hide)')) d.open = true;
  return entries.map((e) => e.id);
}"""

PAGE_NUMBERS = """(pages) => {
  for (const a of document.querySelectorAll('#pdf-front .pdf-toc a')) {
    const page = pages[a.dataset.target];
    if (page) a.querySelector('.pdf-toc-page').textContent = String(page);
  }
}"""

# The text of every heading the printed page shows, in order (what a bookmark should read).
HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.getClientRects().length > 0)
  .map(h => h.innerText.replace(/\\s+/g, ' ').trim())"""

FOOTER = (
    '<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
    '<span class="pageNumber"></span></div>'
)


def _root_page(directory: Path) -> Path:
    """The one page of a singlehtml build: Sphinx names it after the root document."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    page = directory / f"{toc['root']}.html"
    if not page.exists():
        sys.exit(
            f"{page} is missing: build the book with `jupyter-book build . --builder singlehtml`"
        )
    return page


def _destination_pages(path: Path) -> dict[str, int]:
    """``{anchor: page number (1-based)}`` for every named destination of the PDF."""
    reader = PdfReader(path)
    pages = {}
    for name, dest in reader.named_destinations.items():
        try:
            pages[name.lstrip("/")] = reader.get_destination_page_number(dest) + 1
        except (KeyError, ValueError, TypeError):
            continue
    return pages


def _log(start, what):
    print(f"  {time.perf_counter() - start:6.0f} s  {what}", flush=True)


def print_book(directory: Path, out: Path, title: str, lines: list[str]) -> int:
    """Print the singlehtml build in ``directory`` to ``out``; return the number of pages."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()

    # Sphinx writes the one page under the root document's name (chapters/preface.html) but
    # makes every link in it relative to the build's root directory: it is read from there.
    root = directory / "book.html"
    shutil.copyfile(_root_page(directory), root)
    foreign = []
    with chromium.serve(directory) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium.find(), args=chromium.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        page.set_default_timeout(600_000)  # a busy machine: loading and printing take minutes
        page.on(
            "request",
            lambda r: r.url.startswith((base, "data:", "blob:", "about:")) or foreign.append(r.url),
        )
        page.goto(base + root.name, wait_until="load")
        page.wait_for_load_state("networkidle")
        _log(start, "page loaded")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        _log(start, "math typeset")
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        if page.locator("mjx-merror").count():
            sys.exit(
                "MathJax reported a TeX error: " + page.locator("mjx-merror").first.inner_text()
            )
        anchors = page.evaluate(PREPARE, [title, lines, LIVE_NOTE])
        page.evaluate("() => document.fonts.ready")
        _log(start, "laid out for print")
        options = dict(
            path=str(out),
            format="A4",
            print_background=True,
            outline=True,
            tagged=True,
            prefer_css_page_size=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
        )
        page.pdf(**options)
        _log(start, "printed once")
        found = _destination_pages(out)
        page.evaluate(PAGE_NUMBERS, {a: found[a] for a in anchors if a in found})
        page.pdf(**options)
        _log(start, "printed with the page numbers")
        headings = page.evaluate(HEADINGS)
        browser.close()
    if foreign:
        sys.exit(f"the book asked the network for {foreign[:5]}")
    _retitle_bookmarks(out, headings)
    _log(start, "bookmarks named after the headings")
    return len(PdfReader(out).pages)


def bookmarks(outline):
    """The PDF's bookmarks in document order (depth first), nested lists flattened."""
    for item in outline:
        if isinstance(item, list):
            yield from bookmarks(item)
        else:
            yield item


def _retitle_bookmarks(path: Path, headings: list[str]) -> None:
    """Name the bookmarks after the page's headings, in order.

    Chromium names a bookmark after the text of the heading's laid-out lines, and for some
    headings it takes the lines twice ("2.6. 2.6. ExercisesExercises"): a wrapped heading also
    loses the space at its line break. The headings' own text, read from the page, is right.
    """
    # chromium's PDFs declare a smaller trailer size than they use: pypdf warns, reads them fine
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(path)
    marks = list(bookmarks(reader.outline))
    if len(marks) != len(headings):
        sys.exit(f"{len(marks)} bookmarks in the PDF but {len(headings)} headings on the page")
    for mark, heading in zip(marks, headings, strict=True):
        if mark.title != heading:
            mark.node[NameObject("/Title")] = TextStringObject(heading)
    writer = PdfWriter(clone_from=reader)
    with open(path, "wb") as f:
        writer.write(f)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.splitlines()[2])
    directory, out = Path(argv[1]), Path(argv[2])
    if chromium.find() is None:
        # like the browser tests: the book is still built, without its PDF; CI must have it
        message = "chromium is not installed (apt-get install -y chromium): no PDF of the book"
        if os.environ.get("CI") == "true":
            sys.exit(message)
        print(message, file=sys.stderr)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    lines = [
        config["author"],
        f"\N{COPYRIGHT SIGN} {config['copyright']}",
        "Printed from the HTML book. The sliders are live in the HTML book and the notebooks.",
    ]
    pages = print_book(directory, out, config["title"], lines)
    print(
        f"{out}: {pages} pages, {out.stat().st_size / 1e6:.1f} MB, "
        f"printed in {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main(sys.argv)
