"""The losses: each returns (value, gradient with respect to its first argument)."""

import numpy as np

from mathnotes import _validate


def squared_error(prediction, target, *, reduction="mean"):
    """Squared-error loss ``½‖prediction − target‖²``, averaged over the batch, and its gradient.

    Parameters
    ----------
    prediction : array_like
        Shape (N, K).
        The network's outputs, one row per example.
    target : array_like
        Shape (N, K).
        The wanted outputs.
    reduction : str, optional
        ``"mean"`` (default) gives ``½ Σ (prediction − target)² / N``, the
        mean over the ``N`` examples of ``½‖row − target row‖²``; ``"sum"``
        does not divide by ``N``.

    Returns
    -------
    value : float
        The loss.
    gradient : ndarray
        Shape (N, K).
        The gradient with respect to the prediction, ``prediction − target``
        (divided by ``N`` for ``"mean"``).

    Notes
    -----
    Both losses of this module average over the batch by default, so that
    swapping one for the other keeps the size of a gradient step, and a
    learning rate does not depend on the batch size. This is PyTorch's
    default too, but ``torch.nn.MSELoss`` averages over all ``N K``
    entries and has no ``½``: for ``K`` outputs its value is ``2 / K``
    times this one.

    Examples
    --------
    >>> value, grad = squared_error([[3.0], [1.0]], [[1.0], [1.0]])
    >>> value
    1.0
    >>> grad
    array([[1.],
           [0.]])
    >>> squared_error([[3.0], [1.0]], [[1.0], [1.0]], reduction="sum")[0]
    2.0
    """
    _validate.choice(reduction, "reduction", ("sum", "mean"))
    prediction = _validate.batch(prediction, "prediction")
    target = _validate.batch(target, "target")
    if target.shape != prediction.shape:
        raise ValueError(
            f"target has shape {target.shape} but prediction has shape {prediction.shape}; "
            "they must match"
        )
    residual = prediction - target
    scale = 1.0 if reduction == "sum" else 1.0 / prediction.shape[0]
    return float(0.5 * scale * np.sum(residual**2)), scale * residual


def softmax_cross_entropy(logits, labels, *, reduction="mean"):
    """Cross-entropy of the softmax of ``logits`` against integer labels, and its gradient.

    The loss of one example with scores ``z`` and true class ``c`` is
    ``−log softmax(z)_c = log Σ_k exp(z_k) − z_c``, computed stably (the row
    maximum is subtracted first).

    Parameters
    ----------
    logits : array_like
        Shape (N, K).
        Unnormalised class scores, one row per example.
    labels : array_like of int
        Shape (N,).
        The true class of each example, in ``0 .. K-1``.
    reduction : str, optional
        ``"sum"`` or ``"mean"``: sum or average (default) the per-example losses over the batch.

    Returns
    -------
    value : float
        The loss.
    gradient : ndarray
        Shape (N, K).
        The gradient with respect to the logits, ``softmax(logits) − onehot(labels)`` (divided by ``N``
        for ``"mean"``).

    Examples
    --------
    >>> import numpy as np
    >>> value, grad = softmax_cross_entropy(np.zeros((1, 4)), [2])
    >>> bool(np.isclose(value, np.log(4)))
    True
    >>> grad
    array([[ 0.25,  0.25, -0.75,  0.25]])
    """
    _validate.choice(reduction, "reduction", ("sum", "mean"))
    logits = _validate.batch(logits, "logits")
    labels_array = np.asarray(labels)
    if labels_array.shape != (logits.shape[0],):
        raise ValueError(
            f"labels must have shape (N,) = ({logits.shape[0]},), one class index per row of "
            f"logits; got shape {labels_array.shape}"
        )
    if labels_array.size and not np.issubdtype(labels_array.dtype, np.integer):
        raise TypeError(
            f"labels must be integers (class indices), got dtype {labels_array.dtype}; "
            "convert with labels.astype(int) if they are whole numbers"
        )
    n_classes = logits.shape[1]
    if labels_array.size and (labels_array.min() < 0 or labels_array.max() >= n_classes):
        raise ValueError(f"labels must lie in 0 .. {n_classes - 1} for {n_classes} classes")
    return _softmax_cross_entropy(logits, labels_array, reduction)


def _softmax_cross_entropy(logits, labels, reduction):
    """The arithmetic of :func:`softmax_cross_entropy`, without its checks.

    For a caller that checked its data once and then calls this in a loop
    (the reference training loop of the book): ``logits`` a finite float64
    array (N, K), ``labels`` integers in ``0 .. K-1`` of shape (N,).
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_probs = shifted - log_norm
    rows = np.arange(logits.shape[0])
    losses = -log_probs[rows, labels]
    grad = np.exp(log_probs)
    grad[rows, labels] -= 1.0
    if reduction == "mean":
        return float(losses.mean()), grad / logits.shape[0]
    return float(losses.sum()), grad
