"""Sphinx extension: keep every page of the book loadable offline.

Jupyter Book always loads sphinx-thebe, which we do not use (notebooks run in
JupyterLab, not in the page). Its loader points at a CDN and Jupyter Book 1
inserts its inline configuration twice, which is a JavaScript error on every
page. This extension removes thebe's scripts and stylesheet from each page.
"""


def _is_thebe(asset):
    name = getattr(asset, "filename", None) or str(asset)
    body = getattr(asset, "attributes", {}).get("body", "")
    return "thebe" in (name or "") or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
