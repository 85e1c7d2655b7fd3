"""The whole book as one PDF (``make pdf``, part of ``make book`` and ``make test``).

Read with pypdf, the PDF must have: every page of ``_toc.yml`` (preface to bibliography) as
a part starting on its own page, in the table of contents' order, with the title the HTML
book gives it; no TeX left unrendered; a table of contents whose links land on the pages
where those parts start; citations that land in the bibliography; bookmarks (the PDF
outline) for the parts; and each slider of the HTML book as one frame with the note that
it is live in the HTML book and the notebooks.
"""

import html
import re
import unicodedata
from pathlib import Path

import pytest
from browser import chromium_path
from pdf import bookmarks  # _ext/pdf.py (tests/browser.py puts _ext on the path)

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
PDF = HTML / "following-the-flow.pdf"
LIVE_NOTE = "Live in the HTML book and the notebooks"
SLIDER = re.compile(r"""<div class="lstmkit-slider[" ]""")  # a static slider's root
# TeX that MathJax would have turned into symbols: a command with an argument or a known
# command name, a display-math delimiter, or inline-math dollars around a TeX command.
RAW_TEX = re.compile(
    r"\\(frac|begin|end|left|right|boldsymbol|mathbf|mathrm|operatorname|partial|sum|prod|sigma|tanh|odot|cdot|top)\b"
    r"|\$\$|\$\\[a-zA-Z]"
)


def toc_files():
    """The book's pages in reading order: the root, then every chapter of every part."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    root = re.search(r"^root:\s*(\S+)", text, re.M).group(1)
    return [root] + re.findall(r"^\s*-\s*file:\s*(\S+)", text, re.M)


def html_title(name):
    """The first heading of a page of the HTML book."""
    page = (HTML / f"{name}.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    return re.sub(r"<[^>]+>", "", h1).replace("#", "").replace("&amp;", "&").strip()


def flat(text):
    """Text with runs of whitespace made one space and ligatures (fl, fi) undone."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def squash(text):
    """Text without its section number and without any whitespace, for comparing headings:
    Chromium drops the space where a heading breaks its line in the PDF's bookmarks."""
    text = re.sub(r"^\s*\d+(\.\d+)*\.?\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def book():
    chromium_path()  # without chromium there is no PDF: skip (fail under CI), as browser tests do
    assert PDF.exists(), f"{PDF} is missing: run `make pdf` (make book and make test build it)"
    reader = pypdf.PdfReader(PDF)
    texts = [flat(page.extract_text() or "") for page in reader.pages]
    return reader, texts


@pytest.fixture(scope="module")
def parts(book):
    """``[(title, page index)]``: each page of the book, found in order among the PDF's
    top-level bookmarks (the page's title must also be printed on that page)."""
    reader, texts = book
    marks = [
        (squash(item.title), reader.get_destination_page_number(item))
        for item in reader.outline
        if not isinstance(item, list)
    ]
    found, k = [], 0
    for title in [html_title(name) for name in toc_files()]:
        while k < len(marks) and marks[k][0] != squash(title):
            k += 1
        assert k < len(marks), f"no bookmark, or not in the book's order: {title!r} in {marks}"
        page = marks[k][1]
        assert squash(title) in squash(texts[page]), f"{title!r} is not printed on page {page + 1}"
        found.append((title, page))
        k += 1
    return found


def link_targets(reader):
    """``(page index, target page index or None)`` of every internal link of the PDF."""
    page_of = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    named = reader.named_destinations
    links = []
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot and annot["/A"].get("/S") == "/GoTo":
                dest = annot["/A"].get("/D")
            if dest is None:
                continue
            if isinstance(dest, str):  # a named destination (Chromium writes these)
                target = named.get(str(dest))
                links.append(
                    (i, None if target is None else reader.get_destination_page_number(target))
                )
            else:
                links.append((i, page_of.get(dest[0].idnum)))
    return links


def test_every_page_of_the_book_in_order_after_the_contents(book, parts):
    reader, texts = book
    titles = [title for title, _ in parts]
    pages = [page for _, page in parts]
    assert len(parts) == 10, titles  # preface, notation, chapters 1-6, API, bibliography
    assert pages == sorted(pages) and len(set(pages)) == len(pages), parts
    assert titles[-1] == "Bibliography" and len(reader.pages) > pages[-1]
    # a title page, then the contents, then the preface
    assert texts[0].startswith("Following the Flow") and texts[1].startswith("Contents")
    assert pages[0] >= 2
    contents = squash(" ".join(texts[1 : pages[0]]))
    positions = [contents.find(squash(t)) for t in titles]
    assert -1 not in positions and positions == sorted(positions), list(
        zip(titles, positions, strict=True)
    )


# Raw TeX that is in the book's sources, not made by the printing (the HTML book shows it
# too); reported to their owners, delete an entry when its source is fixed:
# - chapter 5's solution to "Without peepholes": a line of inline math that starts with "+ "
#   is read by Markdown as a list item, which cuts the math in two;
# - references.bib: a title with TeX math ($\ell_p^n$), which the bibliography prints as is.
KNOWN_RAW_TEX = [
    re.compile(
        r"\$\\delta\\boldsymbol\{c\}\^\{\(t\)\} = \\delta\\boldsymbol\{y\}.*?"
        r"\\odot\\boldsymbol\{f\}\^\{\(t\+1\)\}\$"
    ),
    re.compile(r"\$\\ell _p\^n\$-ball"),
]
CODE = re.compile(r"<(pre|code|dt)\b[^>]*>(.*?)</\1>", re.S)


def code_of_the_book():
    """The text of every code block, inline code and API signature of the HTML book, without
    whitespace: TeX in code (a matplotlib label, a default argument) is code, not math."""
    parts = []
    for page in (HTML / "chapters").glob("*.html"):
        for match in CODE.finditer(page.read_text(encoding="utf-8")):
            parts.append(html.unescape(re.sub(r"<[^>]+>", "", match.group(2))))
    return re.sub(r"\s+", "", "".join(parts))


def test_no_raw_tex(book):
    _, texts = book
    code = code_of_the_book()
    raw = []
    for i, text in enumerate(texts):
        for known in KNOWN_RAW_TEX:
            text = known.sub(" ", text)
        for m in RAW_TEX.finditer(text):
            # the run of non-blank characters the match sits in
            start = text.rfind(" ", 0, m.start()) + 1
            end = text.find(" ", m.end())
            word = text[start : end if end >= 0 else len(text)]
            if word not in code:
                raw.append((i + 1, word, text[max(0, m.start() - 40) : m.end() + 40]))
    assert raw == [], f"unrendered TeX (page, word, context): {raw[:5]}"


def test_bookmarks_read_like_their_headings(book):
    """Chromium names some bookmarks after a heading's lines taken twice ("2.6. 2.6.
    ExercisesExercises"); _ext/pdf.py renames them after the headings' text."""
    reader, _ = book
    titles = [item.title for item in bookmarks(reader.outline)]
    assert len(titles) > 100, f"only {len(titles)} bookmarks"
    doubled = [t for t in titles if re.search(r"(\S.{4,})\1", t)]
    assert doubled == [], f"bookmarks that repeat their own text: {doubled[:5]}"
    numbered = [t for t in titles if re.match(r"\d+(\.\d+)*\. ", t)]
    assert len(numbered) > 80, f"only {len(numbered)} numbered bookmarks: {titles[:20]}"


def test_contents_links_land_where_the_parts_start(book, parts):
    reader, texts = book
    first_part = parts[0][1]
    targets = {target for src, target in link_targets(reader) if 0 < src < first_part}
    assert None not in targets, "a contents entry links to nowhere"
    assert {page for _, page in parts} <= targets, (parts, sorted(targets))
    # the contents print the page each part starts on (1-based)
    contents = squash(" ".join(texts[1:first_part]))
    for title, page in parts:
        assert squash(title) + str(page + 1) in contents, (title, page + 1)


def test_citations_land_in_the_bibliography(book, parts):
    reader, _ = book
    bibliography = parts[-1][1]
    cited = [src for src, target in link_targets(reader) if src < bibliography <= (target or -1)]
    # every chapter cites the works it follows, and each citation jumps to its entry
    chapters = [page for _, page in parts[2:8]]
    citing = {max(p for p in chapters if p <= src) for src in cited if src >= chapters[0]}
    assert len(cited) >= 20 and citing == set(chapters), (len(cited), sorted(citing))


def test_each_slider_is_one_frame_with_a_note(book):
    _, texts = book
    sliders = sum(
        len(SLIDER.findall(page.read_text(encoding="utf-8")))
        for page in (HTML / "chapters").glob("*.html")
    )
    notes = sum(t.count(LIVE_NOTE) for t in texts)
    assert sliders > 0 and notes == sliders, (sliders, notes)


def test_the_html_book_links_the_pdf(book):
    preface = (HTML / "chapters" / "preface.html").read_text(encoding="utf-8")
    assert 'href="../following-the-flow.pdf"' in preface
    assert PDF.stat().st_size > 100_000
