"""Sphinx extension: keep the built book free of scripts it does not use.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script declaring
``const THEBE_JS_URL`` (pointing at a CDN) on every page, twice on some pages, so the browser
reports "Identifier 'THEBE_JS_URL' has already been declared". This book has no live-code
(thebe) button, so the thebe scripts and stylesheet are dropped from every page.
"""


def _is_thebe(asset):
    text = f"{getattr(asset, 'filename', '') or ''} {getattr(asset, 'attributes', {}).get('body', '')}"
    return "thebe" in text.lower()


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
