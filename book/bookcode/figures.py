"""Loss curves of training runs (chapters 5 and 7)."""

import numbers

import numpy as np
from matplotlib.ticker import MaxNLocator

from mathnotes._validate import finite_array
from mathnotes._figures import CellFigure


def _checked_curves(curves, log):
    """Float64 1-D copies of the curves, after checking what a loss plot needs."""
    if not isinstance(curves, dict):
        raise TypeError(f"curves must be a dict of label -> losses, got {type(curves).__name__}")
    if not curves:
        raise ValueError("give at least one curve")
    checked = {}
    for label, losses in curves.items():
        values = finite_array(losses, f"curves[{label!r}]", ndim=1)
        if log and np.any(values <= 0):
            raise ValueError(f"curves[{label!r}] has a loss <= 0; use log=False to draw it")
        checked[str(label)] = values
    return checked


def _moving_average(values, window):
    window = min(window, values.size)
    return np.convolve(values, np.ones(window) / window, mode="valid")


def plot_loss_curves(curves, *, window=None, xlabel="step", ylabel="loss", title=None,
                     log=True, ax=None, figsize=(6.4, 3.6)):
    """Loss against step for one or more training runs, one colour each.

    Parameters
    ----------
    curves : dict of str to array_like
        Run label to the sequence of losses it recorded (1-D, finite, at
        least one value; positive if ``log`` is true).
    window : int, optional
        If given, each run is drawn faintly and its moving average over
        ``window`` steps (shortened to the run's length if needed) in bold:
        what to read when every step's loss is noisy. By default each run is
        one line.
    xlabel : str, optional
        Label of the horizontal axis.
    ylabel : str, optional
        Label of the vertical axis.
    title : str, optional
        Axes title.
    log : bool, optional
        Draw the loss on a logarithmic scale.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    figsize : tuple of float, optional
        Figure size in inches, for a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the axes: one line per run (two with ``window``: raw,
        then the moving average) and a legend naming the runs.

    Raises
    ------
    TypeError
        If ``curves`` is not a dict, or a curve is not a sequence of numbers.
    ValueError
        If it is empty, a curve is not a finite non-empty 1-D array, a loss
        is not positive on a logarithmic scale, or ``window`` is not a
        positive integer.
    """
    checked = _checked_curves(curves, log)
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, numbers.Integral) or window < 1
    ):
        raise ValueError(f"window must be a positive integer, got {window!r}")
    if ax is None:
        fig = CellFigure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    for i, (label, values) in enumerate(checked.items()):
        steps = np.arange(values.size)
        if window is None:
            ax.plot(steps, values, color=f"C{i}", linewidth=1.4, label=label)
            continue
        ax.plot(steps, values, color=f"C{i}", alpha=0.25, linewidth=0.8)
        smooth = _moving_average(values, int(window))
        offset = (values.size - smooth.size) // 2
        ax.plot(steps[offset:offset + smooth.size], smooth, color=f"C{i}", linewidth=2.0,
                label=label)
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps and epochs are whole numbers
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    return fig
