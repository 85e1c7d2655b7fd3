"""Shared helpers for the tests that open pages in a real browser (Debian's chromium).

No browser is ever downloaded: Playwright drives the system chromium. On a reader's machine
without chromium the browser tests skip with a message saying how to install it; under CI
(``CI=true``) a missing chromium is a failure, never a skip.
"""

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    """Return the path of the system chromium, or skip (fail under CI) when there is none."""
    path = shutil.which("chromium")
    if path is None and Path("/usr/bin/chromium").exists():
        path = "/usr/bin/chromium"
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1 (a free port) and yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


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
