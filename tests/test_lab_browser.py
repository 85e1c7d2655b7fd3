"""Every chapter notebook in a real JupyterLab: Run All, then move every live slider.

This is the reader's second path through the book (``make lab``). Unit tests of the
widget's Python side cannot show whether it renders: this test opens each notebook in
JupyterLab in headless chromium, runs all cells and fails on a cell error (or anything on
stderr), on a widget that failed to render, on a browser console error and on any request
that leaves 127.0.0.1. Then it presses ArrowRight on every live slider and expects a new
picture within one second. Before running, every rendered markdown cell must read as text:
no raw MyST markup (jupyterlab-myst renders it; _ext/myst_lab.py converts what it cannot),
every code listing the book includes from lstmkit shows its code, every heading another
chapter links to carries its label as id, a solution is one dropdown ("Solution to
Exercise 2.1", not "Start of ..."), no empty markdown cell takes room, opening the notebook
logs no console error and does not mark it modified, and saving it rewrites nothing
(JupyterLab opens it without a change: _ext/nbfiles.py's lab_form).
"""

import json
import sys

import pytest
from browser import PageRecorder, launch
from lab import (
    CHAPTERS,
    ERROR_OUTPUT,
    ROOT,
    WIDGET_ERROR,
    chapter_notebooks,
    in_view,
    jupyterlab,
    live_sliders,
    open_notebook,
    press_and_wait_for_new_picture,
    raw_myst,
    run_all,
    save_notebook,
    target_offset,
    wait_in_view,
)

sys.path.insert(0, str(ROOT / "_ext"))
import myst_lab  # noqa: E402

NOTEBOOKS = chapter_notebooks()
# Notebooks that must have live sliders (every chapter has at least one).
WITH_SLIDERS = [n for n in NOTEBOOKS if n[:2].isdigit()]


def _markdown(name):
    cells = json.loads((CHAPTERS / name).read_text(encoding="utf-8"))["cells"]
    return [myst_lab._source(c) for c in cells if c["cell_type"] == "markdown"]


def listings(name):
    """The code of each listing ``name`` includes from lstmkit (literalinclude), as in the book."""
    return [code for text in _markdown(name) for code in myst_lab.listings(text)]


def linked_labels(name):
    """The labels in ``name`` that the other notebooks link to (myst_lab's converted {ref}).

    Not the label of the notebook's title when it is the first cell (notation.ipynb):
    jupyterlab-myst makes that heading the page title, without the id, and the link opens the
    notebook at its top, which is that heading.
    """
    found = set()
    for other in NOTEBOOKS:
        for text in _markdown(other) if other != name else []:
            found |= {label for _, where, label in myst_lab.NB_LINK.findall(text) if where == name}
    first = myst_lab.LABEL_LINE.match(_markdown(name)[0])
    return sorted(found - {first.group(1)} if first else found)


@pytest.fixture(scope="module")
def lab_and_browser():
    with jupyterlab() as lab, launch() as browser:
        yield lab, browser


def test_every_chapter_notebook_is_tested():
    assert "02_simple_rnn.ipynb" in NOTEBOOKS and "notation.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_its_sliders_move_in_jupyterlab(lab_and_browser, name):
    lab, browser = lab_and_browser
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    rec = PageRecorder(page)
    try:
        open_notebook(page, lab, name)
        raw = raw_myst(page)
        assert raw == [], f"{name}: {len(raw)} markdown cells show raw MyST: {raw[:5]}"
        # opening (kernel started, cells rendered) changed nothing: the tab is not marked
        # modified, there is nothing to save (the notebook is in _ext/nbfiles.py's lab_form)
        dirty = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-dirty")
        assert dirty.count() == 0, f"{name}: marked modified on opening: {dirty.all_inner_texts()}"
        changed = save_notebook(page, lab.root / name)
        assert changed == [], f"{name}: saving it unchanged rewrites it: {changed[:20]}"
        assert rec.errors == [], f"{name}: console errors on opening {rec.errors[:5]}"
        # each year the prose takes from chapters/milestones.csv shows as that year, a link
        # to the timeline, in the order the prose has them (jupyterlab-myst renders such a
        # link as a cross-reference and drops its title, which names the row)
        years = myst_lab.years()
        expected = [
            years[m.group(1)] for text in _markdown(name) for m in myst_lab.YEAR_LINK.finditer(text)
        ]
        shown_years = page.evaluate(
            """() => [...document.querySelectorAll('.jp-MarkdownCell a[href$="#ch3-timeline"]')]
                .map(a => a.textContent).filter(t => /^\\d{4}$/.test(t))"""
        )
        assert shown_years == expected, f"{name}: years shown {shown_years[:5]}"
        ids = set(
            page.evaluate(
                "() => [...document.querySelectorAll('.jp-Notebook [id]')].map(e => e.id)"
            )
        )
        missing = [label for label in linked_labels(name) if label not in ids]
        assert missing == [], f"{name}: other chapters link to {missing}, not rendered here"
        shown = page.evaluate(
            "() => [...document.querySelectorAll('.jp-MarkdownCell pre')].map(p => p.textContent)"
        )
        looks = page.evaluate(
            """() => [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell')].map(c => [
                c.offsetHeight > 0 && !c.innerText.trim() && !c.querySelector('img, svg'),
                /(Start|End) of (Solution|Exercise)/.test(c.innerText)])"""
        )
        assert not any(empty for empty, _ in looks), f"{name}: an empty markdown cell shows"
        assert not any(gate for _, gate in looks), f"{name}: a solution reads 'Start of'"
        for code in listings(name):
            assert any(code.strip() in text for text in shown), f"{name}: listing not shown {code}"
        run_all(page)
        errors = page.locator(ERROR_OUTPUT)
        assert errors.count() == 0, f"{name}: {errors.first.inner_text()[:2000]}"
        page.wait_for_timeout(300)  # let the last widget views attach
        broken = page.locator(WIDGET_ERROR)
        assert broken.count() == 0, f"{name}: {broken.first.inner_text()[:2000]}"

        views = live_sliders(page)
        if name in WITH_SLIDERS:
            assert views.count() >= 1, f"{name}: no live slider rendered"
        moved = 0
        for n in range(views.count()):
            view = views.nth(n)
            view.scroll_into_view_if_needed()
            alt = view.locator("img.lstmkit-slider-live").get_attribute("alt")
            assert alt and alt.strip(), f"{name}: live slider {n} has no alt text"
            handles = view.locator(".noUi-handle")
            assert handles.count() >= 1, f"{name}: live slider {n} has no slider control"
            for h in range(handles.count()):
                press_and_wait_for_new_picture(page, view, handles.nth(h))
                moved += 1
        assert moved == sum(
            live_sliders(page).nth(n).locator(".noUi-handle").count() for n in range(views.count())
        )
        assert rec.errors == [], f"{name}: console errors {rec.errors}"
        assert rec.failed == [] and rec.bad_status == [], (rec.failed, rec.bad_status)
        assert rec.foreign(lab.url) == [], rec.foreign(lab.url)
    finally:
        context.close()
        lab.shutdown_kernels()


def test_a_reference_opens_its_target_in_view(lab_and_browser, tmp_path):
    """A click on a reference lands at its target, in another notebook and in the same one.

    Another chapter: the link _ext/myst_lab.py made from {ref} opens that notebook, and the
    book's extension (_ext/labextension) scrolls to the heading once jupyterlab-myst has
    rendered it (JupyterLab alone leaves the notebook at its top). Then a {ref} within that
    notebook, rendered by jupyterlab-myst, scrolls to its section. Screenshots in ``tmp_path``.
    """
    _, browser = lab_and_browser
    # its own JupyterLab: fresh copies (a notebook the tests above ran and JupyterLab autosaved
    # holds views of widgets whose kernel is gone, and logs "widget model not found")
    with jupyterlab(["05_lstm_backprop.ipynb", "02_simple_rnn.ipynb"]) as lab:
        _click_references(lab, browser, tmp_path)


def _click_references(lab, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    rec = PageRecorder(page)
    try:
        open_notebook(page, lab, "05_lstm_backprop.ipynb")
        assert raw_myst(page) == []
        selector = 'a[href*="02_simple_rnn.ipynb"][href$="#ch2-bptt"]'  # a download URL + hash
        link = page.locator(f".jp-MarkdownCell {selector}").first
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_function(
            "() => document.querySelector('.lm-DockPanel-tabBar .lm-mod-current')"
            "?.textContent.includes('02_simple_rnn.ipynb')",
            timeout=30_000,
        )
        wait_in_view(page, "ch2-bptt")
        heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) [id='ch2-bptt']")
        assert "Backpropagation through time" in heading.inner_text()  # the link's text
        page.wait_for_timeout(2000)  # the cells above it have rendered: it stays in view
        landed = target_offset(page, "ch2-bptt")
        assert in_view(landed), landed
        page.screenshot(path=tmp_path / "cross-chapter-ch2-bptt.png")

        # a reference within the notebook, to a section far below the link
        same = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) a[href='#ch2-truncated']")
        same = same.locator("visible=true").first
        same.scroll_into_view_if_needed()
        assert not in_view(target_offset(page, "ch2-truncated"))
        same.click()
        wait_in_view(page, "ch2-truncated", timeout=30_000)
        page.screenshot(path=tmp_path / "same-notebook-ch2-truncated.png")
        assert rec.errors == [], rec.errors
    finally:
        context.close()
        lab.shutdown_kernels()
