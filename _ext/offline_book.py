"""Sphinx extension: the book build's own settings.

Static slider frames: the notebooks are executed by this build in kernels that inherit
its environment, so setting ``LSTMKIT_STATIC_FRAMES=1`` here (whatever the shell says) makes every ``lk.viz.slider``
embed its kernel-free frames in the page, however the build is started. A live notebook
(``make lab``) leaves the variable unset and draws only the frames the reader asks for.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script declaring
``const THEBE_JS_URL`` (pointing at a CDN) on every page, twice on some pages, so the browser
reports "Identifier 'THEBE_JS_URL' has already been declared". This book has no live-code
(thebe) button, so the thebe scripts and stylesheet are dropped from every page.
"""

import os


def _is_thebe(asset):
    text = f"{getattr(asset, 'filename', '') or ''} {getattr(asset, 'attributes', {}).get('body', '')}"
    return "thebe" in text.lower()


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    os.environ["LSTMKIT_STATIC_FRAMES"] = "1"  # the page needs the frames, always
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
