"""Sphinx extension: the book build's own settings.

Static slider frames: the notebooks are executed by this build in kernels that inherit
its environment, so setting ``LSTMKIT_STATIC_FRAMES=1`` here (whatever the shell says)
makes every ``lk.viz.slider`` embed its kernel-free frames in the page, however the build
is started. A live notebook (``make lab``) leaves the variable unset and draws only the
frames the reader asks for.

Offline: Jupyter Book 1 always loads sphinx-thebe, which adds an inline script declaring
``const THEBE_JS_URL`` (pointing at a CDN) on every page, twice on some pages, so the browser
reports "Identifier 'THEBE_JS_URL' has already been declared". This book has no live-code
(thebe) button, so the thebe scripts and stylesheet are dropped from every page.

Accessibility (the axe audit in ``tests/test_book_browser.py``):

* docutils writes a bibliography as ``<div role="list">`` of entries with the deprecated
  role ``doc-biblioentry``, which is not a list item: a critical ``aria-required-children``.
  The entries become ``role="listitem"``.
* a code block that is wider than the page scrolls, and a region that scrolls must be
  reachable by the keyboard: every ``<pre>`` gets ``tabindex="0"``.
* the book title at the top of the sidebar sits outside any landmark (axe ``region``); the
  sidebar's title and search button are wrapped in a ``<nav>`` by ``_templates/``.
"""

import os
import re

from sphinx.writers.html5 import HTML5Translator

_PRE = re.compile(r"<pre(?![^>]*\btabindex=)(?=[\s>])")


def _is_thebe(asset):
    body = getattr(asset, "attributes", {}).get("body", "")
    text = f"{getattr(asset, 'filename', '') or ''} {body}"
    return "thebe" in text.lower()


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def focusable_code(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = _PRE.sub('<pre tabindex="0"', context["body"])


def _visit_citation(self, node):
    """docutils' ``visit_citation`` with entries that are list items."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def setup(app):
    os.environ["LSTMKIT_STATIC_FRAMES"] = "1"  # the page needs the frames, always
    HTML5Translator.visit_citation = _visit_citation
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", focusable_code, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
