"""Sphinx extension: keep every page of the book loadable offline, and light.

1. Jupyter Book always loads sphinx-thebe, which we do not use (notebooks run in
   JupyterLab, not in the page). Its loader points at a CDN and Jupyter Book 1
   inserts its inline configuration twice, which is a JavaScript error on every
   page. Thebe's scripts and stylesheet are removed from each page.
2. The theme loads ``scripts/fontawesome.js`` (1.45 MB) on every page to turn icon
   tags into SVG. The theme's stylesheet already draws the same icons from
   Font Awesome's web font (``vendor/fontawesome``), so the script adds nothing
   but weight: after the build it is replaced by a stub (the page's script tag
   comes from the theme's template, so the file must exist).
3. sphinx-mathjax-offline copies a whole MathJax distribution (23 MB) into the
   build; the pages load one file of it (``tex-chtml.js``), its web fonts, and the
   TeX extensions that file may autoload. Everything else is deleted, as are the
   theme's source maps and unused font formats.
"""

import shutil
from pathlib import Path

# What a page can fetch from the MathJax tree (mathjax_path = mathjax/tex-chtml.js).
MATHJAX_KEPT = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2")
FONTAWESOME_STUB = (
    "/* Font Awesome's SVG script is not shipped: the theme's CSS draws the icons from\n"
    "   vendor/fontawesome/webfonts. See tools/offline_book.py. */\n"
)


def _is_thebe(asset):
    name = getattr(asset, "filename", None) or str(asset)
    body = getattr(asset, "attributes", {}).get("body", "")
    return "thebe" in (name or "") or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def _keep_only(root, kept):
    """Delete every file under ``root`` that is not one of, or inside one of, ``kept``."""
    kept = [root / k for k in kept]
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and not any(path == k or k in path.parents for k in kept):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _trim_static(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    mathjax = static / "mathjax"
    if mathjax.is_dir():
        _keep_only(mathjax, MATHJAX_KEPT)
    script = static / "scripts" / "fontawesome.js"
    if script.exists():
        script.write_text(FONTAWESOME_STUB, encoding="utf-8")
    for path in static.rglob("*.map"):
        path.unlink()
    # the web fonts as woff2 only (every browser that runs the theme reads woff2)
    for path in (static / "vendor" / "fontawesome").rglob("*.ttf"):
        path.unlink()
    # the theme's translations of its own labels (the book is in English)
    shutil.rmtree(static / "locales", ignore_errors=True)


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("build-finished", _trim_static)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
