"""The book's code for chapter 5, *Backpropagation*: the neuron's explorer and the loss's bars.

Circuits are drawn by :func:`mathnotes.draw`, loss curves by
:func:`bookcode.figures.plot_loss_curves`. :func:`neuron_explorer` puts the
sliders of the chapter's interactive figure around the sigmoid neuron
(:func:`mathnotes.explore`). :func:`plot_softmax_gradient` draws what a loss
does to its input: the softmax cross-entropy gradient as bars, computed by
:func:`mathnotes.nn.softmax_cross_entropy`. It returns a
:class:`~mathnotes._figures.CellFigure`, shown when it is the value of a
notebook cell.
"""

import ipywidgets as widgets
import numpy as np

from mathnotes import explore
from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array
from mathnotes.nn import softmax_cross_entropy


def neuron_explorer(build, w, x):
    """Chapter 5's sigmoid neuron with sliders for its weights and inputs.

    ``build(w0, w1, w2, x0, x1)`` returns the output :class:`~mathnotes.Value`
    of the neuron ``sigmoid(w0 x0 + w1 x1 + w2)``. The sliders start at the
    three weights ``w`` (the bias last) and the two inputs ``x``, which the
    alt text of the static picture gives.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    w = finite_array(w, "w", ndim=1)
    x = finite_array(x, "x", ndim=1)
    if (w.size, x.size) != (3, 2):
        raise ValueError(f"give three weights and two inputs, got {w.size} and {x.size}")

    def slider(value):
        return widgets.FloatSlider(value=float(value), min=-4.0, max=4.0, step=0.5)

    return explore(
        build,
        alt=(f"The sigmoid neuron with weights {w[0]:g}, {w[1]:g}, {w[2]:g} and inputs "
             f"{x[0]:g}, {x[1]:g} drawn as a circuit: two multiply gates, two add gates and "
             "one sigmoid gate, with the forward value and the gradient on every wire."),
        w0=slider(w[0]), w1=slider(w[1]), w2=slider(w[2]), x0=slider(x[0]), x1=slider(x[1]),
    )


def plot_softmax_gradient(scores, target, *, class_names=None, figsize=(8.0, 3.1)):
    """Softmax probabilities, the target, and the cross-entropy gradient ``p - y``.

    The left panel shows the probabilities ``p = softmax(scores)`` next to
    the one-hot target ``y``; the right panel shows the gradient of the
    cross-entropy ``-log p[target]`` with respect to the scores, which is
    ``p - y``. A bar below zero is a score that gradient descent will raise;
    a bar above zero, one it will lower.

    Parameters
    ----------
    scores : array_like
        Scores (logits), shape (K,), finite.
    target : int
        The index of the correct class, in ``0 .. K-1``.
    class_names : sequence of str, optional
        K names for the horizontal axis; class numbers by default.
    figsize : tuple of float, optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes. The left one holds two bar containers (``p`` and ``y``),
        the right one a single bar container (``p - y``).

    Raises
    ------
    ValueError
        If the scores are not a finite 1-D array, the class index is out of
        range, or the number of class names differs from K.
    TypeError
        If ``target`` is not an integer.
    """
    scores = finite_array(scores, "scores", ndim=1)
    k = scores.size
    _, gradient = softmax_cross_entropy(scores[None, :], [target], reduction="sum")
    gradient = gradient[0]
    y = np.zeros(k)
    y[target] = 1.0
    p = gradient + y
    if class_names is None:
        class_names = [str(j) for j in range(k)]
    class_names = [str(name) for name in class_names]
    if len(class_names) != k:
        raise ValueError(f"got {len(class_names)} class names for {k} classes")

    positions = np.arange(k)
    fig = CellFigure(figsize=figsize, layout="constrained")
    ax_p, ax_g = fig.subplots(1, 2)
    width = 0.38
    ax_p.bar(positions - width / 2, p, width, color="tab:blue", label="p = softmax(s)")
    ax_p.bar(positions + width / 2, y, width, color="tab:gray", label="target y")
    ax_p.set_ylim(0, 1.05)
    ax_p.set_title("probabilities and target")
    ax_p.legend(loc="upper left")

    colours = ["tab:red" if g > 0 else "tab:green" for g in gradient]
    ax_g.bar(positions, gradient, 0.6, color=colours)
    ax_g.axhline(0.0, color="black", linewidth=0.8)
    limit = max(1.0, float(np.max(np.abs(gradient)))) * 1.05
    ax_g.set_ylim(-limit, limit)
    ax_g.set_title("gradient of the loss: p - y")
    for position, g in zip(positions, gradient):
        offset = 0.04 * limit if g >= 0 else -0.04 * limit
        ax_g.text(position, g + offset, f"{g:+.2f}", ha="center",
                  va="bottom" if g >= 0 else "top")
    for ax in (ax_p, ax_g):
        ax.set_xticks(positions, class_names)
        ax.set_xlabel("class")
        ax.grid(axis="y", alpha=0.3)
    return fig
