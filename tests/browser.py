"""Shared helpers for the tests that open pages in a real browser (Debian's chromium).

No browser is ever downloaded: Playwright drives the system chromium. On a reader's machine
without chromium the browser tests skip with a message saying how to install it; under CI
(``CI=true``) a missing chromium is a failure, never a skip.
"""

import contextlib
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
import chromium  # noqa: E402  (_ext/chromium.py: shared with the PDF printer)
from chromium import CHROMIUM_ARGS, serve  # noqa: E402,F401  (serve: re-exported for the tests)


def chromium_path():
    """Return the path of the system chromium, or skip (fail under CI) when there is none."""
    path = chromium.find()
    if path is None:
        message = "chromium is not installed: run `apt-get install -y chromium` (Debian/Ubuntu)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " -- under CI the browser tests must run")
        pytest.skip(message)
    return path


@contextlib.contextmanager
def launch():
    """Yield a Playwright chromium browser (system binary, headless, no network features)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageRecorder:
    """Record what a page asks the network for and what it logs as an error."""

    def __init__(self, page):
        self.requests, self.failed, self.bad_status, self.errors = [], [], [], []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", self._on_response)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _on_response(self, response):
        if response.status >= 400:
            self.bad_status.append(f"{response.url} {response.status}")

    def foreign(self, allowed_prefix):
        """Requests to anything but ``allowed_prefix`` and inline data."""
        local = (allowed_prefix, "data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith(local)]


# Record every frame a static slider's image shows, in order, as alt texts (in
# ``window.__shown``): evaluate it with the slider's root element.
WATCH_FRAMES = """(root) => {
  const img = root.querySelector("img.lstmkit-slider-frame");
  window.__shown = [img.getAttribute("alt")];
  new MutationObserver(() => {
    const alt = img.getAttribute("alt");
    if (window.__shown[window.__shown.length - 1] !== alt) window.__shown.push(alt);
  }).observe(img, { attributes: true, attributeFilter: ["src", "alt"] });
}"""


def write_page(path, title, body):
    """Write ``body`` as a minimal accessible HTML page at ``path``; return ``path``."""
    path.write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1>{body}</body></html>",
        encoding="utf-8",
    )
    return path
