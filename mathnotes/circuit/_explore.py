"""A circuit explorer: sliders for the inputs, the circuit redrawn with its gradients."""

from mathnotes import _validate
from mathnotes.circuit._render import draw
from mathnotes.interactive import interactive_figure
from mathnotes.tracer import Value


def explore(build, *, alt, caption=None, show_grad=True, fmt="{:.3g}", title=None, **sliders):
    """Sliders that rebuild a graph, backpropagate through it and draw it.

    Parameters
    ----------
    build : callable
        ``build(**values)`` receives one float per slider and returns the
        scalar output :class:`~mathnotes.Value` of a graph built from them.
    alt : str
        Alt text of the static picture (the default state) in the book.
    caption : str, optional
        A sentence shown under the static picture.
    show_grad, fmt, title
        Passed to :func:`mathnotes.draw`.
    **sliders
        One control or ``(min, max, step)`` per argument of ``build``, as for
        :func:`mathnotes.interactive_figure`; a
        ``ipywidgets.FloatSlider(value=...)`` sets the default state.

    Returns
    -------
    LiveFigure
        In JupyterLab, sliders and the circuit; in the HTML book, the
        circuit of the default state. Display it as a cell's last expression.

    Examples
    --------
    >>> import ipywidgets as w
    >>> import mathnotes as mn
    >>> def build(x, y):
    ...     x, y = mn.Value(x, label="x"), mn.Value(y, label="y")
    ...     return (x + y) * mn.Value(-4.0, label="z")
    >>> live = mn.explore(build, alt="The circuit (x + y) z with x = -2, y = 5.",
    ...                   x=w.FloatSlider(value=-2.0, min=-5, max=5),
    ...                   y=w.FloatSlider(value=5.0, min=-5, max=5))
    >>> live.defaults
    {'x': -2.0, 'y': 5.0}
    """
    _validate.function(build, "build", takes="the slider values, returning a Value")

    def draw_state(**values):
        out = build(**values)
        if not isinstance(out, Value):
            raise TypeError(
                f"explore: build(...) must return a Value, got {type(out).__name__}"
            )
        if show_grad:
            out.backward()
        return draw(out, show_grad=show_grad, fmt=fmt, title=title)

    return interactive_figure(draw_state, alt=alt, caption=caption, **sliders)
