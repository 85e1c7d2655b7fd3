"""The live slider's picture: a small anywidget that keeps every frame it was sent.

The slider controls (ipywidgets ``IntSlider`` / ``SelectionSlider``) are linked to this
widget in the browser (``ipywidgets.jslink``), so a move reaches the picture without the
kernel. The picture then shows the frame from its front-end cache, or asks the kernel for
it once with a custom message ``{"need": index}``; the kernel answers
``{"frame": index}`` with the PNG as a binary buffer. A frame the browser has shown once
is never requested again. A playable parameter also gets a Play/Pause button and a speed
menu here; playing moves the linked slider from the browser, one frame per tick, and waits
for a frame that is not cached yet rather than skipping it.

The front end is plain ES module JavaScript run by anywidget (no build step, nothing
fetched: anywidget loads it from a ``blob:`` URL).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import anywidget
import traitlets

from .slider import PLAY_ICONS, SPEEDS

_ESM = r"""
const SPEEDS = __SPEEDS__;
const ICONS = __ICONS__;
const shared = new Map();  // per model id: frame URLs, frames asked for, views to notify

function cacheOf(model) {
  const key = model.get("uid");
  if (!shared.has(key)) {
    const urls = new Map();
    const first = model.get("first");
    urls.set(0, URL.createObjectURL(new Blob([first], { type: "image/png" })));
    shared.set(key, { urls, asked: new Set([0]), views: new Set() });
  }
  return shared.get(key);
}

function initialize({ model }) {
  const cache = cacheOf(model);
  const onMessage = (msg, buffers) => {
    if (!msg || typeof msg.frame !== "number" || !buffers || !buffers.length) return;
    if (!cache.urls.has(msg.frame)) {
      cache.urls.set(msg.frame, URL.createObjectURL(new Blob([buffers[0]], { type: "image/png" })));
    }
    cache.views.forEach((update) => update());
  };
  model.on("msg:custom", onMessage);
  return () => model.off("msg:custom", onMessage);
}

function render({ model, el }) {
  const cache = cacheOf(model);
  const axes = model.get("axes");
  const played = model.get("play");
  const alts = model.get("alts");

  const position = (i) => {
    const axis = axes[i];
    const value = model.get("value" + i);
    return axis.start === null ? value : Math.round((value - axis.start) / axis.step);
  };
  const moveTo = (i, k) => {
    const axis = axes[i];
    model.set("value" + i, axis.start === null ? k : axis.start + axis.step * k);
    model.save_changes();
  };
  const index = () => axes.reduce((acc, axis, i) => acc * axis.count + position(i), 0);
  const ask = (k) => {
    if (k >= 0 && k < alts.length && !cache.asked.has(k)) {
      cache.asked.add(k);
      model.send({ need: k });
    }
  };

  el.classList.add("lstmkit-slider-picture");
  let button = null;
  let speed = null;
  if (played >= 0) {
    const row = document.createElement("div");
    row.className = "lstmkit-slider-player";
    row.style.cssText = "display:flex;align-items:center;gap:0.6em;margin:0.2em 0 0.4em";
    button = document.createElement("button");
    button.type = "button";
    button.className = "lstmkit-slider-play jupyter-button";
    button.style.cssText = "min-width:6em";
    const label = document.createElement("label");
    label.textContent = "speed";
    speed = document.createElement("select");
    speed.className = "lstmkit-slider-speed";
    speed.id = "lstmkit-speed-" + model.get("uid") + "-" + Math.random().toString(36).slice(2);
    label.htmlFor = speed.id;
    for (const factor of SPEEDS) {
      const option = document.createElement("option");
      option.value = String(factor);
      option.textContent = factor + "\u00d7";
      option.selected = factor === 1;
      speed.append(option);
    }
    row.append(button, label, speed);
    el.append(row);
  }
  const img = document.createElement("img");
  img.className = "lstmkit-slider-live";
  img.width = model.get("width");
  img.height = model.get("height");
  img.style.cssText = "display:block;max-width:100%;height:auto";
  el.append(img);

  let playing = false;
  let waiting = false;  // playing, and the frame just moved to is not on screen yet
  let timer = null;
  const setLabel = () => {
    if (!button) return;
    button.textContent = "";
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.innerHTML = playing ? ICONS.pause : ICONS.play;
    button.append(icon, playing ? "Pause" : "Play");
  };
  const stop = () => {
    playing = false;
    waiting = false;
    clearTimeout(timer);
    timer = null;
    setLabel();
  };
  const last = () => axes[played].count - 1;
  const tick = () => {
    timer = null;
    if (!playing) return;
    if (position(played) >= last()) return stop();
    waiting = true;
    moveTo(played, position(played) + 1);
  };
  const show = () => {
    const k = index();
    const url = cache.urls.get(k);
    if (url === undefined) {
      ask(k);
      return;
    }
    if (img.getAttribute("src") !== url) img.setAttribute("src", url);
    img.setAttribute("alt", alts[k]);
    if (playing && waiting) {
      waiting = false;
      if (position(played) >= last()) {
        stop();
      } else {
        const stride = axes.slice(played + 1).reduce((acc, axis) => acc * axis.count, 1);
        ask(k + stride);  // fetch the next frame while this one is on screen
        timer = setTimeout(tick, model.get("interval") / Number(speed.value));
      }
    }
  };
  if (button) {
    button.addEventListener("click", () => {
      if (playing) return stop();
      playing = true;
      waiting = true;
      setLabel();
      if (position(played) >= last()) moveTo(played, 0);  // play from the end: start over
      show();
    });
  }
  setLabel();
  cache.views.add(show);
  const events = axes.map((_, i) => "change:value" + i).join(" ");
  model.on(events, show);
  show();
  return () => {
    stop();
    cache.views.delete(show);
    model.off(events, show);
  };
}

export default { initialize, render };
""".replace("__SPEEDS__", json.dumps(SPEEDS)).replace("__ICONS__", json.dumps(PLAY_ICONS))


class FramePicture(anywidget.AnyWidget):
    """The picture of a live slider, with a front-end frame cache and an optional player.

    Parameters
    ----------
    frame : callable
        ``frame(index) -> bytes``: the PNG of frame ``index`` (row-major over the slider
        parameters, as the static frames). Called when the browser asks for a frame it
        has not been sent.
    first : bytes
        The PNG of frame 0, shown at once.
    axes : list of dict
        Per slider parameter ``{"count": n, "start": a, "step": d}``: the linked control's
        value is ``a + d * position``, or the position itself when ``start`` is None.
    alts : list of str
        The alt text of every frame.
    play : int
        The parameter played by the Play button, or -1 for none.
    interval : int
        Milliseconds per frame at speed 1x.
    """

    _esm = _ESM
    uid = traitlets.Unicode().tag(sync=True)
    value0 = traitlets.Int(0).tag(sync=True)
    value1 = traitlets.Int(0).tag(sync=True)
    axes = traitlets.List().tag(sync=True)
    alts = traitlets.List(traitlets.Unicode()).tag(sync=True)
    first = traitlets.Bytes().tag(sync=True)
    width = traitlets.Int().tag(sync=True)
    height = traitlets.Int().tag(sync=True)
    play = traitlets.Int(-1).tag(sync=True)
    interval = traitlets.Int(600).tag(sync=True)

    def __init__(self, frame: Callable[[int], bytes], **traits):
        traits.setdefault("uid", uuid.uuid4().hex)  # the browser's cache key
        super().__init__(**traits)
        self._frame = frame
        self.on_msg(self._on_request)

    def answer(self, index: int) -> tuple[dict, list[bytes]]:
        """The message content and buffers that answer a request for frame ``index``."""
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"a frame index must be an int; got {type(index).__name__}")
        if not 0 <= index < len(self.alts):
            raise ValueError(f"frame index must be in 0..{len(self.alts) - 1}; got {index}")
        return {"frame": index}, [self._frame(index)]

    def _on_request(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and "need" in content:
            message, buffers = self.answer(content["need"])
            self.send(message, buffers=buffers)
