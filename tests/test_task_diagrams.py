"""Task-type diagrams: boxes per input and output, feedback arrows, collapsed text."""

import pytest

from lstmkit.viz.task_diagrams import TASK_DIAGRAM_KINDS, task_diagram


def _gids(fig, prefix):
    ax = fig.axes[0]
    artists = [*ax.patches, *ax.texts]
    return sorted(a.get_gid() for a in artists if (a.get_gid() or "").startswith(prefix))


def test_many_to_one_has_one_output_at_the_end():
    fig = task_diagram("many-to-one", ["a", "b", "c"], ["y"])
    assert _gids(fig, "box:x") == ["box:x:0", "box:x:1", "box:x:2"]
    assert _gids(fig, "box:y") == ["box:y:2"]
    assert len(_gids(fig, "box:h")) == 3


def test_one_to_many_and_seq2seq_feed_outputs_back():
    fig = task_diagram("one-to-many", ["v"], ["A", "dog", "runs"])
    assert _gids(fig, "feedback") == ["feedback:1", "feedback:2"]
    assert len(_gids(fig, "box:x")) == 3
    fig = task_diagram("seq2seq", ["I", "am", "here", "."], ["Ich", "bin", "da"])
    assert len(_gids(fig, "box:h")) == 7
    assert _gids(fig, "box:y") == [f"box:y:{k}" for k in (4, 5, 6)]
    assert _gids(fig, "feedback") == ["feedback:5", "feedback:6"]
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "<s>" in labels and "encoder" in labels and "decoder" in labels
    x = {t.get_gid(): t.get_position()[0] for t in fig.axes[0].texts}
    boxes = {p.get_gid(): p.get_x() for p in fig.axes[0].patches
             if (p.get_gid() or "").startswith("box:")}
    assert x["encoder"] < boxes["box:x:4"] < x["decoder"]  # over its chain


def test_bidirectional_and_ctc():
    fig = task_diagram("bidirectional", ["Teddy", "bears"], ["O", "O"])
    assert _gids(fig, "box:hb") == ["box:hb:0", "box:hb:1"]
    fig = task_diagram("ctc", ["f1", "f2", "f3"], ["h", "-", "i"], collapsed="hi")
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "collapsed"]
    assert texts == ["collapse  \u2192  hi"]


def test_errors():
    assert len(TASK_DIAGRAM_KINDS) == 6
    with pytest.raises(ValueError, match="unknown kind"):
        task_diagram("many-to-few", ["a"], ["b"])
    with pytest.raises(ValueError, match="one output per input"):
        task_diagram("many-to-many", ["a", "b"], ["c"])
    with pytest.raises(ValueError, match="exactly for kind='ctc'"):
        task_diagram("many-to-many", ["a"], ["b"], collapsed="b")
    with pytest.raises(TypeError, match="list of str"):
        task_diagram("many-to-one", "abc", ["y"])
