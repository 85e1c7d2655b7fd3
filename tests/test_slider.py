"""The slider: one object, a live ipywidgets view and a static, kernel-free HTML view."""

import base64
import json
import re
from html.parser import HTMLParser

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets.widgets.widget_link import Link
from matplotlib.figure import Figure

from lstmkit.viz._player import FramePicture
from lstmkit.viz.slider import (
    PLACEHOLDER_HTML,
    PLAY_INTERVAL_MS,
    STATIC_FRAMES_ENV,
    Slider,
    slider,
)


@pytest.fixture(autouse=True)
def _frames_on(monkeypatch):
    """`make test` sets LSTMKIT_STATIC_FRAMES=0 for nbval; these tests want the book's frames."""
    monkeypatch.setenv(STATIC_FRAMES_ENV, "1")


class Browser:
    """Plays the live picture's front end: asks the kernel for frames, keeps what it gets."""

    def __init__(self, picture):
        self.picture, self.sent, self.frames = picture, [], {0: picture.first}
        picture.send = lambda content, buffers=None: self.sent.append((content, buffers))

    def show(self, index):
        """The PNG of frame ``index``, asked for only when this browser has not got it."""
        if index not in self.frames:
            self.picture._on_request(self.picture, {"need": index}, [])
            content, (png,) = self.sent[-1]
            assert content == {"frame": index}
            self.frames[index] = png
        return self.frames[index]


WIDGET = "application/vnd.jupyter.widget-view+json"
PNG_URI = "data:image/png;base64,"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Recorder:
    """A draw function (a bar of height t * k) that remembers how it was called."""

    def __init__(self, pyplot=False):
        self.calls = []
        self.pyplot = pyplot

    def __call__(self, t, k=1):
        self.calls.append({"t": t, "k": k})
        if self.pyplot:
            fig, ax = plt.subplots(figsize=(3, 2))
        else:
            fig = Figure(figsize=(3, 2))
            ax = fig.add_subplot()
        ax.bar([0], [t * k], color="tab:blue")
        ax.set_ylim(0, 40)
        return fig


def draw_t(t):
    fig = Figure(figsize=(3, 2))
    fig.add_subplot().bar([0], [t])
    return fig


def draw_tk(t, k):
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.bar([0, 1], [t, k])
    ax.set_ylim(0, 10)
    return fig


class Tags(HTMLParser):
    """Every start tag of an HTML fragment as (tag, attrs), plus the text of each element id."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.text, self._open = [], {}, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._open.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1]:
            self.text[self._open[-1]] = self.text.get(self._open[-1], "") + data

    def find(self, tag, **where):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in where.items())
        ]


def slider_data(page):
    """The JSON block of a static slider (frames after the first, alt texts, labels)."""
    match = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


# --------------------------------------------------------------------------- mimebundle


def test_mimebundle_has_the_three_views():
    s = slider(draw_t, t=range(5))
    bundle = s._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", WIDGET}
    assert bundle["text/plain"] == "<Slider t=0..4 (5 frames)>" == repr(s)
    assert bundle[WIDGET] == {"version_major": 2, "version_minor": 0, "model_id": s.widget.model_id}
    assert bundle["text/html"].count(PNG_URI) == 5


def test_include_and_exclude_skip_unwanted_work():
    draw = Recorder()
    s = slider(draw, t=range(4))
    assert s._repr_mimebundle_(include={"text/plain"}) == {
        "text/plain": "<Slider t=0..3 (4 frames)>"
    }
    assert draw.calls == []
    bundle = s._repr_mimebundle_(exclude={"text/html"})
    assert set(bundle) == {"text/plain", WIDGET}
    assert draw.calls == [{"t": 0, "k": 1}]


def test_text_plain_is_deterministic_and_short():
    assert repr(slider(draw_t, t=range(0, 20, 5))) == "<Slider t=0..15 (4 frames)>"
    assert repr(slider(draw_t, t=[7])) == "<Slider t=7 (1 frame)>"
    assert repr(slider(draw_t, t=np.linspace(0, 1, 3))) == "<Slider t=0..1 (3 frames)>"
    assert (
        repr(slider(draw_tk, t=range(8), k=[1, 2, 4, 8])) == "<Slider t=0..7, k=1..8 (32 frames)>"
    )


# --------------------------------------------------------------------------- static view


def test_static_html_has_one_png_frame_per_value():
    draw = Recorder()
    page = slider(draw, t=range(6)).to_html()
    assert page.count(PNG_URI) == 6
    assert [c["t"] for c in draw.calls] == [0, 1, 2, 3, 4, 5]
    uris = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    pngs = [base64.b64decode(u) for u in uris]
    assert all(p.startswith(PNG_SIGNATURE) for p in pngs)
    assert len(set(pngs)) == 6  # every bar height gives a different picture
    img = Tags(page).find("img")
    assert len(img) == 1
    assert (img[0]["width"], img[0]["height"]) == ("240", "160")  # 3 x 2 inches at 80 dpi
    assert img[0]["src"].startswith(PNG_URI)
    data = slider_data(page)
    assert data["frames"][0] is None  # the first frame lives in the <img> only
    assert len(data["frames"]) == 6


def test_static_html_range_inputs_and_value_labels():
    page = slider(draw_tk, t=range(0, 20, 5), k=[1, 2, 4, 8]).to_html()
    tags = Tags(page)
    inputs = tags.find("input", type="range")
    assert [(i["min"], i["max"], i["step"], i["value"]) for i in inputs] == [
        ("0", "15", "5", "0"),  # integer steps: the range input carries the values
        ("0", "3", "1", "0"),  # other values: the range input carries the position
    ]
    assert [i["aria-valuetext"] for i in inputs] == ["t = 0", "k = 1"]
    labels = [lab for lab in tags.find("label") if not lab["for"].endswith("-speed")]
    assert [lab["for"] for lab in labels] == [i["id"] for i in inputs]
    outputs = tags.find("output")
    assert [o["aria-live"] for o in outputs] == ["polite", "polite"]
    assert [o["for"] for o in outputs] == [i["id"] for i in inputs]
    assert [tags.text[o["id"]] for o in outputs] == ["0", "1"]
    assert re.findall(r'<label for="[^"]+"[^>]*>(\w+)</label>', page) == ["t", "speed", "k"]
    data = slider_data(page)
    assert data["names"] == ["t", "k"]
    assert data["labels"] == [["0", "5", "10", "15"], ["1", "2", "4", "8"]]
    assert page.count(PNG_URI) == 16


def test_static_html_without_script_shows_first_frame_and_hides_controls():
    page = slider(draw_t, t=range(3)).to_html()
    tags = Tags(page)
    (controls,) = tags.find("div", **{"class": "lstmkit-slider-controls"})
    assert "hidden" in controls  # the script reveals them; without it nothing moves in vain
    assert "Showing the first of 3 frames (t = 0)" in page
    assert page.index("<img") < page.index("<script>")  # the script comes after its elements


def test_element_ids_are_unique_across_instances_and_repeated_display():
    s = slider(draw_t, t=range(2))
    pages = [s.to_html(), s.to_html(), slider(draw_t, t=range(2)).to_html()]
    ids = [[a["id"] for _, a in Tags(p).tags if "id" in a] for p in pages]
    assert [len(i) for i in ids] == [5, 5, 5]  # root, range input, output, speed menu, img
    flat = [x for page_ids in ids for x in page_ids]
    assert len(flat) == len(set(flat)) == 15
    roots = [Tags(p).find("div", role="group")[0]["id"] for p in pages]
    assert all(f'getElementById("{root}")' in p for root, p in zip(roots, pages, strict=True))


def test_alt_text_default_format_string_and_callable():
    default = slider_data(slider(draw_tk, t=range(2), k=[1, 4]).to_html())["alts"]
    assert default == [
        "Figure for t = 0, k = 1",
        "Figure for t = 0, k = 4",
        "Figure for t = 1, k = 1",
        "Figure for t = 1, k = 4",
    ]
    page = slider(draw_t, t=range(3), alt="Backward pass at step {t}").to_html()
    assert slider_data(page)["alts"] == [f"Backward pass at step {t}" for t in range(3)]
    assert Tags(page).find("img")[0]["alt"] == "Backward pass at step 0"
    page = slider(draw_t, t=range(3), alt=lambda t: f"{t} of 2").to_html()
    assert slider_data(page)["alts"] == ["0 of 2", "1 of 2", "2 of 2"]


def test_alt_text_cannot_break_out_of_the_markup():
    page = slider(draw_t, t=range(2), alt='</script><b x="1">& {t}').to_html()
    assert page.count("</script>") == 2  # the JSON data block and the script itself
    assert Tags(page).find("img")[0]["alt"] == '</script><b x="1">& 0'
    assert slider_data(page)["alts"][1] == '</script><b x="1">& 1'


def test_static_html_is_self_contained():
    page = slider(draw_tk, t=range(3), k=[1, 2]).to_html()
    assert re.search(r"https?://", page, re.I) is None
    assert re.search(r"\b(src|href)=\"(?!data:)", page) is None  # only data: sources
    assert "import" not in page
    assert page.count("<script>") == 1
    assert page.count('<script type="application/json"') == 1


def test_float_values_get_short_labels_and_positions():
    page = slider(draw_t, t=np.linspace(0, 1, 3)).to_html()
    (inp,) = Tags(page).find("input")
    assert (inp["min"], inp["max"], inp["step"]) == ("0", "2", "1")
    assert slider_data(page)["labels"] == [["0", "0.5", "1"]]


def test_env_switch_leaves_frames_out(monkeypatch):
    draw = Recorder()
    s = slider(draw, t=range(10))
    monkeypatch.setenv(STATIC_FRAMES_ENV, "0")
    bundle = s._repr_mimebundle_(exclude={WIDGET})
    assert bundle["text/html"] == PLACEHOLDER_HTML
    assert PLACEHOLDER_HTML == (
        '<p class="lstmkit-slider-placeholder">'
        "Static frames are rendered when the book is built.</p>"
    )
    assert draw.calls == []
    assert s.to_html().count(PNG_URI) == 10  # to_html ignores the switch
    monkeypatch.delenv(STATIC_FRAMES_ENV)  # unset: off, as in a live notebook
    assert s._repr_mimebundle_(exclude={WIDGET})["text/html"] == PLACEHOLDER_HTML
    for on in ("1", "true", " ON "):
        monkeypatch.setenv(STATIC_FRAMES_ENV, on)
        assert s._repr_mimebundle_(exclude={WIDGET})["text/html"].count(PNG_URI) == 10


def test_typical_twenty_frames_stay_small():
    def draw(t):
        fig = Figure(figsize=(6, 3.5), layout="constrained")
        ax = fig.add_subplot()
        x = np.linspace(0, 10, 300)
        for k in range(3):
            ax.plot(x, np.sin(x + 0.3 * t + k) * np.exp(-0.1 * k * x), label=f"unit {k}")
        ax.axvline(t / 2, color="k", linestyle="--")
        ax.set(title=f"Gradient at step {t}", xlabel="time step", ylabel="value")
        ax.legend(loc="upper right")
        return fig

    page = slider(draw, t=range(20)).to_html()
    frames = [base64.b64decode(u) for u in re.findall(r"data:image/png;base64,([^\"]+)", page)]
    assert len(frames) == 20
    assert max(len(f) for f in frames) < 30_000
    assert len(page) < 1_500_000


def test_size_guard_stops_early_with_advice():
    draw = Recorder()
    s = slider(draw, t=range(50), max_bytes=10_000)
    with pytest.raises(ValueError, match="fewer parameter values or a lower dpi") as info:
        s.to_html()
    assert "more than 10 KB of frames" in str(info.value)
    assert len(draw.calls) < 10  # it gave up as soon as the limit was passed


def test_default_size_guard_is_one_and_a_half_megabytes():
    s = slider(draw_t, t=range(3))
    assert s.max_bytes == 1_500_000
    assert s.dpi == 80


# --------------------------------------------------------------------------- live view


def test_live_widget_draws_the_frames_its_browser_asks_for():
    draw = Recorder()
    s = slider(draw, t=range(10), alt="Bar of height {t}")
    view = s.widget
    assert s.widget is view  # built once
    assert isinstance(view, ipywidgets.VBox)
    control, picture = view.children
    assert isinstance(control, ipywidgets.IntSlider)
    assert (control.description, control.min, control.max, control.step) == ("t", 0, 9, 1)
    assert control.readout is True
    assert isinstance(picture, FramePicture)
    assert picture.first.startswith(PNG_SIGNATURE)
    assert picture.alts == [f"Bar of height {t}" for t in range(10)]
    assert (picture.width, picture.height) == (3 * 80, 2 * 80)  # figsize (3, 2) at 80 dpi
    assert picture.axes == [{"count": 10, "start": 0, "step": 1}]
    assert draw.calls == [{"t": 0, "k": 1}]
    control.value = 7  # the browser shows a frame it has, or asks for it: not the kernel
    assert len(draw.calls) == 1
    browser = Browser(picture)
    png_7 = browser.show(7)
    assert draw.calls[-1] == {"t": 7, "k": 1}
    assert len(draw.calls) == 2
    assert png_7 != picture.first and png_7.startswith(PNG_SIGNATURE)
    assert s.values == {"t": 7}


def test_the_sliders_are_linked_to_the_picture_in_the_browser():
    s = slider(draw_tk, t=range(0, 20, 5), k=[1, 2, 4, 8])
    t_control, k_control, picture = s.widget.children
    links = [(link.source, link.target) for link in s._links]
    assert links == [((t_control, "value"), (picture, "value0")),
                     ((k_control, "index"), (picture, "value1"))]  # fmt: skip
    assert all(isinstance(link, Link) for link in s._links)  # jslink: no kernel
    assert picture.axes == [{"count": 4, "start": 0, "step": 5},
                            {"count": 4, "start": None, "step": None}]  # fmt: skip
    assert picture.play == 0 and picture.interval == PLAY_INTERVAL_MS


def test_the_kernel_answers_only_for_existing_frames():
    s = slider(draw_t, t=range(3))
    picture = s.widget.children[-1]
    with pytest.raises(ValueError, match=r"0\.\.2"):
        picture.answer(3)
    with pytest.raises(TypeError, match="int"):
        picture.answer("1")
    picture._on_request(picture, {"other": 1}, [])  # not a frame request: ignored


def test_alt_text_is_passed_to_the_live_picture_as_text():
    s = slider(draw_t, t=range(2), alt='Bar "t" <{t}> & more')
    assert s.widget.children[-1].alts == ['Bar "t" <0> & more', 'Bar "t" <1> & more']


def test_live_view_draws_only_the_first_frame_by_default(monkeypatch):
    """Displayed in a live notebook, the slider draws one frame, not every static frame."""
    monkeypatch.delenv(STATIC_FRAMES_ENV)
    draw = Recorder()
    s = slider(draw, t=range(10))
    bundle = s._repr_mimebundle_()
    assert bundle["text/html"] == PLACEHOLDER_HTML
    assert bundle[WIDGET]["model_id"] == s.widget.model_id
    assert draw.calls == [{"t": 0, "k": 1}]


def test_live_widget_with_two_parameters_passes_the_original_values():
    draw = Recorder()
    ks = [np.int64(1), np.int64(2), np.int64(4), np.int64(8)]
    s = slider(draw, t=range(3), k=ks)
    t_control, k_control, picture = s.widget.children
    assert isinstance(t_control, ipywidgets.IntSlider)
    assert isinstance(k_control, ipywidgets.SelectionSlider)
    assert k_control.description == "k"
    assert [label for label, _ in k_control.options] == ["1", "2", "4", "8"]
    browser = Browser(picture)
    browser.show(0 * 4 + 2)  # row-major: t at position 0, k at position 2
    assert draw.calls[-1] == {"t": 0, "k": 4}
    assert draw.calls[-1]["k"] is ks[2]
    browser.show(2 * 4 + 2)
    assert draw.calls[-1] == {"t": 2, "k": 4}
    k_control.index, t_control.value = 2, 2
    assert s.values == {"t": 2, "k": 4}
    assert len(draw.calls) == 3


def test_two_parameter_frames_are_in_row_major_order():
    s = slider(draw_tk, t=range(3), k=[1, 2, 4, 8])
    frames = s.frames()
    assert len(frames) == 12
    assert frames[1 * 4 + 2] == s.render({"t": 1, "k": 4}, shrink=True)
    assert frames[2 * 4 + 3] == s.render({"t": 2, "k": 8}, shrink=True)


def test_rendered_figures_are_closed():
    plt.close("all")
    draw = Recorder(pyplot=True)
    s = slider(draw, t=range(5))
    s.to_html()
    Browser(s.widget.children[-1]).show(3)
    assert len(draw.calls) == 5  # each frame is drawn once: the live view reuses them
    assert plt.get_fignums() == []


def test_live_view_draws_only_frames_it_has_not_seen():
    draw = Recorder()
    s = slider(draw, t=range(6))
    browser = Browser(s.widget.children[-1])  # the widget draws t=0
    for t in (4, 0, 4):
        browser.show(t)
    assert [c["t"] for c in draw.calls] == [0, 4]
    assert len(browser.sent) == 1  # frame 0 came with the widget, frame 4 once
    second = Browser(s.widget.children[-1])  # another browser (a reload) asks again ...
    second.show(4)
    assert second.sent[-1][1] == [browser.frames[4]]
    assert [c["t"] for c in draw.calls] == [0, 4]  # ... and the kernel answers from its cache
    s.to_html()  # the static view draws only the four frames still missing
    assert sorted(c["t"] for c in draw.calls) == [0, 1, 2, 3, 4, 5]
    before = len(draw.calls)
    s.time_update(n=6, cold=False)
    assert len(draw.calls) == before
    s.time_update(n=6)  # cold: every update draws again
    assert len(draw.calls) == before + 6


def test_draw_may_reuse_one_figure():
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    (bar,) = ax.bar([0], [0])
    ax.set_ylim(0, 5)

    def draw(t):
        bar.set_height(t)
        return fig

    pngs = slider(draw, t=range(5)).frames()
    assert len(set(pngs)) == 5


def test_time_update_measures_live_redraws():
    draw = Recorder()
    s = slider(draw, t=range(4))
    seconds = s.time_update(n=6)
    assert 0 < seconds < 1.0
    assert len(draw.calls) == 1 + 6
    assert [c["t"] for c in draw.calls[1:]] == [1, 2, 3, 0, 1, 2]
    single = slider(Recorder(), t=[5])
    assert single.time_update(n=2) > 0


# --------------------------------------------------------------------------- validation


def test_draw_must_be_callable():
    with pytest.raises(TypeError, match="draw must be a callable"):
        slider("not a function", t=range(3))


@pytest.mark.parametrize("params", [{}, {"a": [1], "b": [2], "c": [3]}])
def test_one_or_two_parameters(params):
    with pytest.raises(ValueError, match="one or two parameters"):
        slider(draw_t, **params)


@pytest.mark.parametrize("values", [[], range(0), np.array([])])
def test_values_must_not_be_empty(values):
    with pytest.raises(ValueError, match="'t' has no values"):
        slider(draw_t, t=values)


@pytest.mark.parametrize("values", [5, "abc", {"a": 1}])
def test_values_must_be_a_sequence(values):
    with pytest.raises(TypeError, match="'t' must be a sequence of values"):
        slider(draw_t, t=values)


def test_draw_must_return_a_figure():
    def draw(t):
        return Figure().add_subplot()

    s = slider(draw, t=range(3))
    with pytest.raises(
        TypeError, match=r"must return a matplotlib.figure.Figure; got Axes.*ax\.figure"
    ):
        s.to_html()
    with pytest.raises(TypeError, match="got NoneType"):
        slider(lambda t: None, t=range(3)).render({"t": 0})


def test_alt_must_name_existing_parameters_and_be_text():
    with pytest.raises(ValueError, match="alt text refers to 'step'.*t"):
        slider(draw_t, t=range(3), alt="Step {step}")
    with pytest.raises(TypeError, match="alt must be None, a string"):
        slider(draw_t, t=range(3), alt=42)
    with pytest.raises(TypeError, match="must return a str"):
        slider(draw_t, t=range(3), alt=lambda t: t)


@pytest.mark.parametrize("dpi", [0, -5, "high"])
def test_dpi_must_be_positive(dpi):
    with pytest.raises(ValueError, match="dpi must be a positive number"):
        slider(draw_t, t=range(3), dpi=dpi)


def test_slider_class_accepts_reserved_names():
    s = Slider(lambda dpi: draw_t(dpi), {"dpi": [1, 2]})
    assert repr(s) == "<Slider dpi=1..2 (2 frames)>"
    assert s.to_html().count(PNG_URI) == 2
