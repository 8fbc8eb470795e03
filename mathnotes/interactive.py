"""Interactive figures: live sliders in JupyterLab, a static picture in the HTML book.

A static HTML page has no Python kernel, so a widget there would be an empty
box or a dead control. :func:`interactive_figure` returns a widget whose
display bundle carries, next to the live widget, a picture of the default
state in two forms: a PNG (``image/png``, with its shown size in the output's
metadata, like every other figure of a notebook) and an HTML figure holding
the same picture with a sentence saying where the live version runs.
JupyterLab shows the widget, and the HTML figure for a saved notebook before
the cell is run again (the saved notebook keeps no widget view, see ``lab/``).
The book, configured to skip the widget view, shows the PNG as a numbered
figure when the cell's metadata gives it a caption and a name (the
``mystnb.figure`` of any figure cell), with :data:`BOOK_NOTE` under the
caption; a cell without them shows the HTML figure.

The HTML figure carries two notes: :data:`BOOK_NOTE` for the HTML book and
:data:`LAB_NOTE`, marked ``hidden``, which the JupyterLab set up by
``make lab`` shows instead (``lab/custom/custom.css``).
"""

import base64
import html

import ipywidgets
import matplotlib.pyplot as plt

from mathnotes import _validate
from mathnotes._figures import FigureRedrawer, shown_size

BOOK_NOTE = (
    "Static picture of the default state. Open this chapter in JupyterLab "
    "(see the introduction) to move the sliders."
)
LAB_NOTE = "Static picture of the default state. Run this cell to move the sliders."
PLAIN_PREFIX = "LiveFigure: "  # the text form is this, then the alt text


class LiveFigure(ipywidgets.VBox):
    """Sliders and the picture they redraw, with a static fallback for the book.

    Build it with :func:`mathnotes.interactive_figure`. The live picture is an
    ``ipywidgets.Image`` holding a PNG: redrawing sends no output messages,
    so the cell's stored output is the same on every run.

    Notes
    -----
    A ``draw`` that builds a new figure for every move is simple, and slow:
    a new figure is laid out and drawn whole (``bench/sliders.py`` in the
    repository times the book's figures). A ``draw`` that updates the figure it returned last time and
    returns it again is faster: Matplotlib's renderer and its text layouts
    are kept, and so is the picture's size. Faster still, if the artists
    that move were made with ``animated=True`` and nothing else changed
    (Matplotlib does not mark a figure stale for its animated artists), the
    rest of the picture is restored and only those artists are drawn, on
    top of it: Matplotlib's blitting.
    """

    def __init__(self, draw, *, alt, caption=None, **sliders):
        _validate.function(draw, "draw", takes="the slider values, returning a Matplotlib figure")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("alt must be a non-empty text describing the default picture")
        if not sliders:
            raise ValueError("give at least one slider, e.g. slope=(-2.0, 2.0, 0.1)")
        self._draw = draw
        self.alt = alt
        self.caption = caption
        self.controls = {name: _control(name, abbrev) for name, abbrev in sliders.items()}
        self.defaults = self.values()
        self._redrawer = FigureRedrawer()
        self.static_png = self._render(self.defaults, kept=True)  # kept in the notebook
        self.image = ipywidgets.Image(format="png", layout={"height": "auto", "max_width": "100%"})
        self._show(self.static_png)
        for control in self.controls.values():
            control.observe(self._redraw, names="value")
        super().__init__(children=[*self.controls.values(), self.image])

    def values(self):
        """The current value of every control, by argument name."""
        return {name: control.value for name, control in self.controls.items()}

    def _render(self, values, *, kept):
        fig = self._draw(**values)
        if not isinstance(fig, plt.Figure):
            raise TypeError(
                f"draw must return a matplotlib.figure.Figure, got {type(fig).__name__}; "
                "end it with `return fig`"
            )
        plt.close(fig)  # a pyplot figure would stay open; closing any other one is harmless
        return self._redrawer.png(fig, kept=kept)

    def _show(self, png):
        # At its natural size, like a static figure: stretched to the output width it would
        # be blurred (and larger than the figures around it); the PNG has twice the pixels.
        width, _ = shown_size(png)
        self.image.layout.width = f"{width:g}px"
        self.image.value = png

    def _redraw(self, change=None):
        # full colour, light compression; a slider move is timed in bench/sliders.py
        self._show(self._render(self.values(), kept=False))

    def static_html(self):
        """The HTML shown where no kernel runs: picture, caption and note."""
        data = base64.b64encode(self.static_png).decode("ascii")
        width, height = (round(size) for size in shown_size(self.static_png))
        caption = f"{html.escape(self.caption)} " if self.caption else ""
        return (
            '<figure class="mathnotes-static-widget">'
            f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{html.escape(self.alt)}"/>'
            f"<figcaption>{caption}"
            f'<em class="mathnotes-note-book">{html.escape(BOOK_NOTE)}</em>'
            f'<em class="mathnotes-note-lab" hidden>{html.escape(LAB_NOTE)}</em>'
            "</figcaption></figure>"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/html"] = self.static_html()
        bundle["image/png"] = base64.b64encode(self.static_png).decode("ascii")
        bundle["text/plain"] = f"{PLAIN_PREFIX}{self.alt}"
        width, height = shown_size(self.static_png)
        return bundle, {"image/png": {"width": width, "height": height}}


def _control(name, abbrev):
    """An ipywidgets control from a widget or an ``interact``-style abbreviation."""
    control = ipywidgets.interactive.widget_from_abbrev(abbrev)
    if control is None or not hasattr(control, "value"):
        raise ValueError(
            f"cannot make a control for {name}={abbrev!r}: give a widget or (min, max, step)"
        )
    if not control.description:
        control.description = name
    return control


def interactive_figure(draw, *, alt, caption=None, **sliders):
    """Sliders that redraw a Matplotlib figure, with a static picture for the book.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` returns a ``matplotlib.figure.Figure`` for the
        slider values. It is called once for the default values to make the
        static picture, and again every time a slider moves. It may build a
        new figure each time, or, faster, update the figure it returned last
        time and return it again (see
        :class:`mathnotes.interactive.LiveFigure`).
    alt : str
        Alt text of the static picture: what the default state shows. The
        book uses it unless the cell's metadata gives another
        (``mystnb.image.alt``).
    caption : str, optional
        A sentence shown under the HTML form of the static picture. In the
        book, give the figure its caption and name in the cell's metadata
        instead (``mystnb.figure``), as for any figure: it is then numbered,
        its caption may hold maths, and this one is not shown there.
    **sliders
        One ipywidgets control or abbreviation per argument of ``draw``, as
        for :func:`ipywidgets.interact`: ``(min, max, step)`` gives a slider
        starting in the middle; a ``FloatSlider(value=...)`` sets the start.

    Returns
    -------
    LiveFigure
        Display it as the last expression of a cell.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import ipywidgets as w
    >>> def draw(slope):
    ...     fig, ax = plt.subplots()
    ...     ax.plot([0, 1], [0, slope])
    ...     return fig
    >>> live = interactive_figure(draw, alt="A line of slope 1.",
    ...                           slope=w.FloatSlider(value=1.0, min=-2, max=2))
    >>> live.defaults
    {'slope': 1.0}
    """
    return LiveFigure(draw, alt=alt, caption=caption, **sliders)
