"""The Play button of a slider: which parameter plays, and the static player in a browser.

The static player is driven in headless chromium (Playwright) from ``file://``: Play with
the keyboard steps through every frame in the order of the values and stops at the last
one; Pause stops it; Play at the end starts over; moving the slider by hand pauses.
"""

import json
import re

import pytest
from browser import WATCH_FRAMES as WATCH
from browser import launch, write_page
from matplotlib.figure import Figure

from lstmkit.viz.slider import PLAY_INTERVAL_MS, PLAYABLE_NAMES, SPEEDS, STATIC_FRAMES_ENV, slider


@pytest.fixture(autouse=True)
def _frames_on(monkeypatch):
    monkeypatch.setenv(STATIC_FRAMES_ENV, "1")


def draw(**values):
    """A bar per parameter, titled with the values: every frame looks different."""
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.bar(range(len(values)), list(values.values()), color="tab:orange")
    ax.set_ylim(0, 9)
    ax.set_title(", ".join(f"{k} = {v}" for k, v in values.items()))
    return fig


def data_of(page):
    match = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


# --------------------------------------------------------------------------- which parameter


@pytest.mark.parametrize("name", PLAYABLE_NAMES)
def test_time_and_training_steps_play_by_themselves(name):
    assert slider(draw, **{name: range(3)}).play == name


def test_other_names_do_not_play_unless_asked():
    assert slider(draw, k=range(3)).play is None
    assert slider(draw, D=[2, 5, 10]).play is None
    assert slider(draw, D=[2, 5, 10], play="D").play == "D"


def test_the_first_playable_parameter_with_several_values_plays():
    assert slider(draw, k=[1, 2], t=range(4)).play == "t"
    assert slider(draw, t=[3], epoch=range(4)).play == "epoch"  # one value: nothing to play
    assert slider(draw, t=[3]).play is None


def test_play_false_removes_the_button():
    s = slider(draw, t=range(3), play=False)
    assert s.play is None
    page = s.to_html()
    assert "<button" not in page and "<select" not in page
    assert data_of(page)["play"] == -1
    assert s.widget.children[-1].play == -1


@pytest.mark.parametrize(
    ("play", "error", "match"),
    [
        ("x", ValueError, "names no slider parameter; they are t, k"),
        ("k", ValueError, "one value"),
        (1, TypeError, "got int 1"),
        (True, TypeError, "got bool True"),
    ],
)
def test_bad_play_arguments_say_what_is_expected(play, error, match):
    with pytest.raises(error, match=match):
        slider(draw, t=range(3), k=[1], play=play)


def test_static_player_markup():
    page = slider(draw, t=range(3), k=[1, 2], play="k").to_html()
    (button,) = re.findall(r"<button[^>]*>.*?</button>", page)
    assert 'type="button"' in button and 'class="lstmkit-slider-play"' in button
    root = re.search(r'<div class="lstmkit-slider" id="([^"]+)"', page)[1]
    assert f'aria-controls="{root}-p1"' in button  # the input of k, the played parameter
    assert re.sub(r"<span aria-hidden=\"true\">[^<]*</span>", "", button).endswith(">Play</button>")
    assert f'<label for="{root}-speed">speed</label>' in page
    options = re.findall(r'<option value="([^"]+)"( selected)?>', page)
    assert [float(v) for v, _ in options] == list(SPEEDS)
    assert [v for v, selected in options if selected] == ["1"]
    # the player sits in the played parameter's row, after its value
    assert page.index(f'id="{root}-p1"') < page.index("<button") < page.index("<img")
    data = data_of(page)
    assert (data["play"], data["interval"]) == (1, PLAY_INTERVAL_MS)


def test_live_picture_knows_what_to_play():
    s = slider(draw, k=[1, 2], s=range(6, 0, -1))
    picture = s.widget.children[-1]
    assert (picture.play, picture.interval) == (1, PLAY_INTERVAL_MS)
    assert picture.axes[1] == {"count": 6, "start": None, "step": None}  # falling: positions


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def player_page(tmp_path_factory):
    s = slider(draw, s=range(6, 0, -1), alt="Backward pass at step {s}", dpi=40)
    return write_page(tmp_path_factory.mktemp("play") / "page.html", "Play", s.to_html())


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


def open_player(browser, path):
    context = browser.new_context()
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(str(e)))
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file:", "data:"))
            else (problems.append(r.request.url), r.abort())
        ),
    )
    page.goto(path.as_uri(), wait_until="load")
    root = page.locator(".lstmkit-slider")
    page.evaluate(WATCH, root.element_handle())
    return context, page, root, problems


def test_static_player_plays_to_the_end_and_stops(browser, player_page):
    context, page, root, problems = open_player(browser, player_page)
    button = root.locator("button.lstmkit-slider-play")
    assert button.inner_text().endswith("Play")
    root.locator("select.lstmkit-slider-speed").select_option("4")
    button.focus()
    page.keyboard.press("Space")
    assert button.inner_text().endswith("Pause")
    page.wait_for_function("() => window.__shown.length === 6", timeout=5000)
    page.wait_for_timeout(3 * PLAY_INTERVAL_MS / 4)  # a frame and more: nothing moves on
    shown = page.evaluate("window.__shown")
    assert shown == [f"Backward pass at step {s}" for s in range(6, 0, -1)]
    assert button.inner_text().endswith("Play")  # stopped at the end, no loop
    assert root.locator("output").inner_text() == "1"
    assert root.locator("input[type=range]").get_attribute("aria-valuetext") == "s = 1"
    # Play at the end starts over from the first frame (Enter works like Space)
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__shown.length >= 8", timeout=5000)
    page.keyboard.press("Enter")  # pause
    paused = page.evaluate("window.__shown.length")
    assert page.evaluate("window.__shown")[6:8] == [
        "Backward pass at step 6",
        "Backward pass at step 5",
    ]
    page.wait_for_timeout(PLAY_INTERVAL_MS)  # 4 ticks at 4x: a pause holds
    assert page.evaluate("window.__shown.length") == paused
    assert button.inner_text().endswith("Play")
    assert problems == []
    context.close()


def test_moving_the_slider_by_hand_pauses(browser, player_page):
    context, page, root, problems = open_player(browser, player_page)
    button = root.locator("button.lstmkit-slider-play")
    button.click()
    page.wait_for_function("() => window.__shown.length >= 2", timeout=5000)
    rng = root.locator("input[type=range]")
    rng.focus()
    page.keyboard.press("Home")
    assert button.inner_text().endswith("Play")
    page.wait_for_timeout(1.5 * PLAY_INTERVAL_MS)
    assert root.locator("output").inner_text() == "6"
    assert problems == []
    context.close()
