"""Sphinx extension: an interactive figure's static picture reads like any numbered figure.

``mathnotes.interactive_figure`` stores, beside its widget, the picture of the default state
twice: as a PNG (``image/png``) and as an HTML figure with a note for JupyterLab
(``text/html``, which JupyterLab prefers). In a cell whose metadata gives a figure caption
and name (``mystnb.figure``), myst-nb wraps the output in a numbered figure, as for any
figure cell; this post-transform then keeps the PNG (the HTML figure would nest a second
figure inside it), gives it the widget's alt text unless the cell's metadata gives one
(``mystnb.image.alt``), and adds the book's note ("Static picture of the default state...",
taken from the stored HTML) under the caption, as a legend of class ``mathnotes-live-note``.
A cell without figure metadata keeps the HTML figure (the former form).
"""

import html
import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# What mathnotes.interactive writes (tests/unit/test_interactive.py checks both ends).
STATIC_PICTURE = 'class="mathnotes-static-widget"'
BOOK_NOTE = re.compile(r'<em class="mathnotes-note-book">(.*?)</em>', re.S)
PLAIN_PREFIX = "LiveFigure: "
FIGURE_CLASS = "mathnotes-live"
NOTE_CLASS = "mathnotes-live-note"


def _by_mime_type(bundle):
    return {child.get("mime_type"): child for child in bundle.children}


class LiveFigureAsFigure(SphinxPostTransform):
    """Show a live figure's PNG inside the figure its cell's metadata asks for."""

    default_priority = 3  # before myst-nb picks one mime type per output (priority 4)

    def run(self, **kwargs):
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle" or not isinstance(
                bundle.parent, nodes.figure
            ):
                continue
            forms = _by_mime_type(bundle)
            page = forms.get("text/html")
            if "image/png" not in forms or page is None or STATIC_PICTURE not in page.astext():
                continue
            note = BOOK_NOTE.search(page.astext())
            bundle.remove(page)
            figure = bundle.parent
            figure["classes"].append(FIGURE_CLASS)
            for image in forms["image/png"].findall(nodes.image):
                if not image.get("alt") and "text/plain" in forms:
                    image["alt"] = forms["text/plain"].astext().removeprefix(PLAIN_PREFIX)
            if note:
                text = html.unescape(note.group(1))
                figure += nodes.legend("", nodes.paragraph(text, text), classes=[NOTE_CLASS])


def setup(app):
    app.add_post_transform(LiveFigureAsFigure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
