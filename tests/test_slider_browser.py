"""The static slider in a real browser (headless Debian chromium driven by Playwright).

A page holding the same slider twice is opened from ``file://``; the keyboard and the mouse
move the first slider, which must swap its image, value label and alt text while the second
stays put. The page must log nothing, raise nothing and ask nothing of the network.
"""

import pytest
from browser import launch, write_page
from matplotlib.figure import Figure

from lstmkit.viz.slider import slider

FIRST, SECOND = ".lstmkit-slider >> nth=0", ".lstmkit-slider >> nth=1"

# Names on ``window`` that a fresh blank document does not have (the slider's leaks).
NEW_GLOBALS = """() => {
  const frame = document.createElement("iframe");
  document.body.appendChild(frame);
  const blank = new Set(Object.getOwnPropertyNames(frame.contentWindow));
  frame.remove();
  return Object.getOwnPropertyNames(window).filter((name) => !blank.has(name));
}"""


def draw(t):
    """A bar of height ``t``: every frame looks different."""
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.bar([0], [t], color="tab:orange")
    ax.set_ylim(0, 9)
    ax.set_title(f"t = {t}")
    return fig


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    s = slider(draw, t=range(10), alt="A bar of height {t}", dpi=60)
    body = s.to_html() + "<hr>" + s.to_html()
    return write_page(tmp_path_factory.mktemp("slider") / "page.html", "Sliders", body)


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


class Recorded:
    """Every console message, page error and request of a page; no network allowed."""

    def __init__(self, context, page):
        self.console, self.errors, self.requests = [], [], []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    def foreign(self):
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]


def state(page, which):
    """(range value, printed value, img src, img alt) of one slider."""
    root = page.locator(which)
    return (
        root.locator("input[type=range]").input_value(),
        root.locator("output").inner_text(),
        root.locator("img").get_attribute("src"),
        root.locator("img").get_attribute("alt"),
    )


def test_static_slider_steps_with_keyboard_and_mouse(browser, page_file):
    context = browser.new_context()
    page = context.new_page()
    rec = Recorded(context, page)
    page.goto(page_file.as_uri(), wait_until="load")

    start = state(page, FIRST)
    second_start = state(page, SECOND)
    assert start[:2] == ("0", "0")
    assert start[3] == "A bar of height 0"
    assert start == second_start
    assert page.locator(FIRST).locator(".lstmkit-slider-controls").is_visible()
    assert not page.locator(FIRST).locator(".lstmkit-slider-nojs").is_visible()
    assert page.locator(FIRST).get_attribute("id") != page.locator(SECOND).get_attribute("id")

    rng = page.locator(FIRST).locator("input[type=range]")
    rng.focus()
    page.keyboard.press("ArrowRight")
    after_key = state(page, FIRST)
    assert after_key[:2] == ("1", "1")
    assert after_key[2] != start[2]
    assert after_key[3] == "A bar of height 1"
    assert rng.get_attribute("aria-valuetext") == "t = 1"

    page.keyboard.press("End")
    assert state(page, FIRST)[:2] == ("9", "9")
    page.keyboard.press("Home")
    assert state(page, FIRST) == start  # back to the very first frame, same image

    box = rng.bounding_box()
    rng.click(position={"x": box["width"] - 3, "y": box["height"] / 2})
    clicked = state(page, FIRST)
    assert int(clicked[0]) >= 8
    assert clicked[1] == clicked[0]
    assert clicked[2] not in (start[2], after_key[2])
    assert clicked[3] == f"A bar of height {clicked[0]}"

    assert state(page, SECOND) == second_start
    assert page.evaluate(NEW_GLOBALS) == []
    assert rec.console == []
    assert rec.errors == []
    assert rec.foreign() == []
    assert rec.requests and all(u.startswith(("file:", "data:")) for u in rec.requests)
    context.close()


def test_identical_copies_of_one_output_stay_independent(browser, tmp_path):
    # A front end may show the very same output twice (a cloned output view).
    html = slider(draw, t=range(4), dpi=40).to_html()
    path = tmp_path / "twice.html"
    path.write_text(f"<!doctype html><html><body>{html}{html}</body></html>", encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    rec = Recorded(context, page)
    page.goto(path.as_uri(), wait_until="load")
    page.locator(SECOND).locator("input[type=range]").focus()
    page.keyboard.press("End")
    assert state(page, SECOND)[:2] == ("3", "3")
    assert state(page, FIRST)[:2] == ("0", "0")
    assert rec.console == [] and rec.errors == [] and rec.foreign() == []
    context.close()


def test_without_javascript_the_first_frame_shows_and_no_control_moves_in_vain(browser, page_file):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(page_file.as_uri(), wait_until="load")
    first = page.locator(FIRST)
    assert first.locator("img").is_visible()
    assert first.locator("img").get_attribute("alt") == "A bar of height 0"
    assert not first.locator(".lstmkit-slider-controls").is_visible()
    note = first.locator(".lstmkit-slider-nojs")
    assert note.is_visible()
    assert note.inner_text() == (
        "Showing the first of 10 frames (t = 0); stepping through them needs JavaScript."
    )
    context.close()
