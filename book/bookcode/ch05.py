"""Pictures for the chapter on backpropagation that are not circuits.

Circuits are drawn by :func:`mathnotes.draw`. This module draws what a
loss does to its input: the softmax cross-entropy gradient as bars (loss
curves are in ``mathnotes._loss_plots``). Every function returns a
``matplotlib.figure.Figure`` that pyplot does not manage: it is shown when
it is the value of a notebook cell, and nothing is shown if it is only
assigned.
"""

import numpy as np

from mathnotes._validate import finite_array
from mathnotes._figures import CellFigure


def _softmax(scores):
    """The softmax of a 1-D array of scores, computed without overflow.

    Parameters
    ----------
    scores : array_like
        Finite scores (logits), shape (K,).

    Returns
    -------
    numpy.ndarray
        Probabilities, shape (K,), positive and summing to 1.

    Raises
    ------
    ValueError
        If ``scores`` is not 1-D, is empty or is not finite.
    """
    s = finite_array(scores, "scores", ndim=1)
    e = np.exp(s - s.max())  # shifting by a constant leaves the softmax unchanged
    return e / e.sum()


def plot_softmax_gradient(scores, target, *, class_names=None, figsize=(9.0, 3.4)):
    """Softmax probabilities, the target, and the cross-entropy gradient ``p - y``.

    The left panel shows the probabilities ``p = softmax(scores)`` next to
    the target distribution ``y``; the right panel shows the gradient of the
    cross-entropy ``-sum(y * log p)`` with respect to the scores, which is
    ``p - y`` when ``y`` sums to 1. A bar below zero is a score that gradient
    descent will raise; a bar above zero, one it will lower.

    Parameters
    ----------
    scores : array_like
        Scores (logits), shape (K,), finite.
    target : int or array_like
        The index of the correct class, or a target distribution of shape
        (K,) with non-negative entries summing to 1.
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
        range, the target distribution has the wrong shape, a negative entry
        or does not sum to 1, or the number of class names differs from K.
    TypeError
        If ``target`` is neither an integer nor an array.
    """
    p = _softmax(scores)
    k = p.size
    if isinstance(target, (bool, np.bool_)):
        raise TypeError("target must be a class index or a distribution, got a bool")
    if isinstance(target, (int, np.integer)):
        if not 0 <= target < k:
            raise ValueError(f"class index {target} is out of range for {k} classes")
        y = np.zeros(k)
        y[target] = 1.0
    else:
        y = finite_array(target, "target", ndim=1)
        if y.shape != p.shape:
            raise ValueError(f"target has shape {y.shape} but the scores have shape {p.shape}")
        if np.any(y < 0) or not np.isclose(y.sum(), 1.0):
            raise ValueError("a target distribution must be non-negative and sum to 1")
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
    ax_p.set_title("probabilities and target", fontsize=10)
    ax_p.legend(fontsize=8, loc="upper left")

    gradient = p - y
    colours = ["tab:red" if g > 0 else "tab:green" for g in gradient]
    ax_g.bar(positions, gradient, 0.6, color=colours)
    ax_g.axhline(0.0, color="black", linewidth=0.8)
    limit = max(1.0, float(np.max(np.abs(gradient)))) * 1.05
    ax_g.set_ylim(-limit, limit)
    ax_g.set_title("gradient of the loss: p - y", fontsize=10)
    for position, g in zip(positions, gradient):
        offset = 0.04 * limit if g >= 0 else -0.04 * limit
        ax_g.text(position, g + offset, f"{g:+.2f}", ha="center",
                  va="bottom" if g >= 0 else "top", fontsize=8)
    for ax in (ax_p, ax_g):
        ax.set_xticks(positions, class_names)
        ax.set_xlabel("class")
        ax.grid(axis="y", alpha=0.3)
    return fig
