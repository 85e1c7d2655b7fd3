"""The live Play button in a real JupyterLab: chapter 2's backward stepper plays and stops.

Chapter 2 runs in JupyterLab (headless chromium driven by Playwright, harness ``lab.py``).
Play on the backward stepper (``s`` from 6 down to 1) must show its six frames in order
and stop at the last; Play again starts over and plays the same frames from the browser's
cache, without asking the kernel for any frame (counted on the kernel's websocket).
"""

import pytest
from browser import PageRecorder, launch
from lab import ERROR_OUTPUT, jupyterlab, live_sliders, open_notebook, run_all

from lstmkit.viz.slider import PLAY_INTERVAL_MS

NOTEBOOK = "02_simple_rnn.ipynb"
ALT = "Backward pass through time"

# Every frame the picture shows, in order, as alt texts (a MutationObserver on the img).
WATCH = """(view) => {
  const img = view.querySelector("img.lstmkit-slider-live");
  window.__shown = [img.getAttribute("alt")];
  new MutationObserver(() => {
    const last = window.__shown[window.__shown.length - 1];
    if (img.getAttribute("alt") !== last) window.__shown.push(img.getAttribute("alt"));
  }).observe(img, { attributes: true, attributeFilter: ["src", "alt"] });
}"""


@pytest.fixture(scope="module")
def chapter_2():
    with jupyterlab([NOTEBOOK]) as lab, launch() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        rec = PageRecorder(page)
        asked = []  # frame requests sent to the kernel
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framesent",
                lambda payload: (
                    asked.append(1)
                    if (b'"need"' if isinstance(payload, bytes) else '"need"') in payload
                    else None
                ),
            ),
        )
        open_notebook(page, lab, NOTEBOOK)
        run_all(page)
        assert page.locator(ERROR_OUTPUT).count() == 0
        yield lab, page, rec, asked
        lab.shutdown_kernels()


def steps(shown):
    """The step ``s`` of each shown frame, from its alt text ('... for steps 4 to 6')."""
    return [int(alt.split("steps ", 1)[1].split(" ", 1)[0]) for alt in shown]


def test_play_animates_the_backward_stepper_and_stops_at_the_end(chapter_2):
    lab, page, rec, asked = chapter_2
    view = live_sliders(page).filter(has=page.locator(f"img[alt^='{ALT}']"))
    assert view.count() == 1
    view.scroll_into_view_if_needed()
    button = view.locator("button.lstmkit-slider-play")
    assert button.inner_text().endswith("Play")
    view.locator("select.lstmkit-slider-speed").select_option("2")
    page.evaluate(WATCH, view.element_handle())
    button.focus()
    page.keyboard.press("Space")
    assert button.inner_text().endswith("Pause")
    page.wait_for_function("() => window.__shown.length === 6", timeout=30_000)
    page.wait_for_function(
        "(b) => b.textContent.endsWith('Play')", arg=button.element_handle(), timeout=10_000
    )
    page.wait_for_timeout(PLAY_INTERVAL_MS)  # more than a frame at 2x: nothing moves on
    assert steps(page.evaluate("window.__shown")) == [6, 5, 4, 3, 2, 1]
    assert view.locator(".widget-readout").first.inner_text() == "1"  # the slider moved too
    assert len(asked) == 5  # frames 5 .. 1 once each; frame 6 came with the widget

    # Play at the end starts over; every frame is in the browser now: no kernel request
    page.evaluate(WATCH, view.element_handle())
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__shown.length === 7", timeout=30_000)
    page.wait_for_function(
        "(b) => b.textContent.endsWith('Play')", arg=button.element_handle(), timeout=10_000
    )
    assert steps(page.evaluate("window.__shown")) == [1, 6, 5, 4, 3, 2, 1]
    assert len(asked) == 5
    assert rec.errors == [], rec.errors
    assert rec.failed == [] and rec.bad_status == [], (rec.failed, rec.bad_status)
    assert rec.foreign(lab.url) == [], rec.foreign(lab.url)


def test_pause_holds_the_picture(chapter_2):
    _, page, rec, _ = chapter_2
    view = live_sliders(page).filter(has=page.locator(f"img[alt^='{ALT}']"))
    button = view.locator("button.lstmkit-slider-play")
    view.locator("select.lstmkit-slider-speed").select_option("1")
    page.evaluate(WATCH, view.element_handle())
    button.click()  # at the end: starts over
    page.wait_for_function("() => window.__shown.length >= 3", timeout=10_000)
    button.click()
    assert button.inner_text().endswith("Play")
    held = page.evaluate("window.__shown.length")
    page.wait_for_timeout(2 * PLAY_INTERVAL_MS)
    assert page.evaluate("window.__shown.length") == held
    assert rec.errors == []
