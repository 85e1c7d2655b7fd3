"""The Play button in the built book: chapter 2's backward stepper plays without a kernel.

The page is served from ``_build/html`` (``make book``) and opened in headless chromium:
Space on the Play button shows the six frames of the backward pass (s = 6, 5, ..., 1) in
order and stops at the last; Enter starts over, and again pauses.
"""

import re
from pathlib import Path

import pytest
from browser import WATCH_FRAMES as WATCH
from browser import PageRecorder, launch, serve

from lstmkit.viz.slider import PLAY_INTERVAL_MS

HTML = Path(__file__).resolve().parent.parent / "_build" / "html"
CHAPTER_2 = "chapters/02_simple_rnn.html"
ALT = "Backward pass through time"


@pytest.fixture(scope="module")
def site():
    if not (HTML / CHAPTER_2).exists():
        pytest.fail("the book is not built: run `make book`")
    with serve(HTML) as base, launch() as browser:
        yield base, browser


def steps(shown):
    return [int(re.search(r"steps (\d+) to", alt)[1]) for alt in shown]


def test_backward_stepper_plays_in_the_book(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    rec = PageRecorder(page)
    page.goto(base + CHAPTER_2, wait_until="load")
    root = page.locator("div.lstmkit-slider").filter(has=page.locator(f"img[alt^='{ALT}']"))
    assert root.count() == 1
    button = root.get_by_role("button", name="Play")
    assert button.is_visible()
    root.get_by_label("speed").select_option("4")
    first = root.locator("img").get_attribute("src")
    page.evaluate(WATCH, root.element_handle())
    button.focus()
    page.keyboard.press("Space")
    assert root.get_by_role("button", name="Pause").is_visible()
    page.wait_for_function("() => window.__shown.length === 6", timeout=10_000)
    page.wait_for_timeout(PLAY_INTERVAL_MS / 2)  # two frames at 4x: nothing moves on
    assert steps(page.evaluate("window.__shown")) == [6, 5, 4, 3, 2, 1]
    assert button.inner_text().endswith("Play")
    assert root.locator("output").inner_text() == "1"
    assert root.locator("img").get_attribute("src") != first

    page.keyboard.press("Enter")  # at the end: starts over
    page.wait_for_function("() => window.__shown.length >= 8", timeout=10_000)
    page.keyboard.press("Enter")  # pause
    held = page.evaluate("window.__shown.length")
    page.wait_for_timeout(PLAY_INTERVAL_MS)
    assert page.evaluate("window.__shown.length") == held
    assert steps(page.evaluate("window.__shown"))[6:8] == [6, 5]
    page.close()
    assert rec.errors == [] and rec.failed == [] and rec.foreign(base) == []
