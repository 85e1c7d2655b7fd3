"""lstmkit.viz.textsize: the smallest text of a figure, recorded in its PNG."""

import base64
import io

import pytest
from matplotlib.figure import Figure
from PIL import Image

import lstmkit as lk
from lstmkit.viz import textsize
from lstmkit.viz.render import FrameRenderer
from lstmkit.viz.slider import _shrink_png


def plot(tick_pt=9.0, label_pt=13.0):
    fig = Figure(figsize=(4, 3), dpi=90, layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 2])
    ax.set_xlabel("time step", fontsize=label_pt)
    ax.tick_params(labelsize=tick_pt)
    return fig


def drawn(fig, dpi=90):
    return FrameRenderer().png(fig, dpi)


def test_the_smallest_text_is_a_tick_label():
    fig = plot(tick_pt=9.0, label_pt=13.0)
    drawn(fig)
    size, text = textsize.smallest_text(fig)
    assert size == 9.0 and text in {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}
    fig = plot(tick_pt=14.0, label_pt=13.0)
    drawn(fig)
    assert textsize.smallest_text(fig) == (13.0, "time step")


def test_hidden_and_empty_texts_and_switched_off_axes_do_not_count():
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "big", fontsize=20)
    ax.text(0.5, 0.2, "hidden", fontsize=5).set_visible(False)
    ax.text(0.5, 0.1, "  ", fontsize=4)
    ax.set_title("", fontsize=3)
    ax.tick_params(labelsize=6)
    ax.set_axis_off()  # its 6 pt tick labels are not drawn
    drawn(fig)
    assert textsize.smallest_text(fig) == (20.0, "big")
    ax.set_axis_on()
    drawn(fig)
    assert textsize.smallest_text(fig)[0] == 6.0
    assert textsize.smallest_text(Figure()) is None


def test_a_split_superscript_counts_as_part_of_its_label():
    fig = lk.viz.rnn_unfolded(3)
    drawn(fig)
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts]
    size, _ = textsize.smallest_text(fig)
    sups = [t.get_fontsize() for ax in fig.axes for t in ax.texts if t.get_gid().startswith("sup:")]
    assert sups and min(sups) < size == min(s for s in sizes if s not in sups)


def test_frames_record_their_smallest_text_in_image_pixels():
    fig = plot(tick_pt=9.0)
    png = drawn(fig, dpi=80)
    assert textsize.read(png)["px"] == pytest.approx(9.0 * 80 / 72, abs=0.01)
    png = drawn(fig, dpi=144)
    assert textsize.read(png)["px"] == pytest.approx(18.0, abs=0.01)
    assert Image.open(io.BytesIO(png)).text[textsize.KEY] == textsize.raw(png)
    assert textsize.read(_shrink_png(png)) == textsize.read(png)  # static frames keep it


def test_a_figure_without_text_records_none():
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().set_axis_off()
    assert textsize.read(drawn(fig)) == {"px": None, "text": ""}


def test_tagging_twice_keeps_one_chunk_and_the_image():
    fig = plot()
    png = drawn(fig)
    again = textsize.tag(png, fig, dpi=45)
    assert again.count(textsize.KEY.encode()) == 1
    assert textsize.read(again)["px"] == pytest.approx(9.0 * 45 / 72, abs=0.01)
    before, after = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(again))
    assert before.tobytes() == after.tobytes()
    assert textsize.with_chunk(again, None).count(textsize.KEY.encode()) == 0
    with pytest.raises(ValueError, match="PNG signature"):
        textsize.read(b"GIF89a")
    with pytest.raises(TypeError, match="matplotlib Figure"):
        textsize.smallest_text("figure")


class FakeShell:
    """The part of an IPython shell that ``install`` touches, with a real formatter."""

    def __init__(self, printer):
        from IPython.core.formatters import PNGFormatter

        formatter = PNGFormatter()
        if printer is not None:
            formatter.for_type(Figure, printer)
        self.display_formatter = type("DF", (), {"formatters": {"image/png": formatter}})()


def test_install_tags_the_png_that_ipython_shows_inline():
    from IPython.core.pylabtools import print_figure

    shell = FakeShell(lambda fig: print_figure(fig, "png", base64=True))
    assert textsize.install(shell) and textsize.install(shell)  # the second call is a no-op
    fig = plot(tick_pt=9.0)
    data = shell.display_formatter.formatters["image/png"](fig)
    png = base64.b64decode(data)
    assert textsize.read(png)["px"] == pytest.approx(9.0 * 90 / 72, abs=0.05)  # the pHYs dpi
    assert not textsize.install(FakeShell(None))
