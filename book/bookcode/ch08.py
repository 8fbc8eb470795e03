"""Chapter 8, the layers of modern networks: their forward and backward passes, reference loops
and pictures.

Every layer is a pair of functions: ``*_forward`` returns the output and a cache (what the
backward pass needs), ``*_backward`` turns the upstream gradient into the gradients of the
inputs, each shaped like its variable. Arrays are sample-first: images are ``(N, C, H, W)``,
a sequence of tokens is ``(T, d)``.
"""

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from mathnotes._figures import CellFigure
from mathnotes._validate import integer
from mathnotes.interactive import interactive_figure


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, so it has ``shape``.

    Parameters
    ----------
    grad : numpy.ndarray
        The gradient of a broadcast result.
    shape : tuple of int
        The shape of the operand before broadcasting.

    Returns
    -------
    numpy.ndarray
        An array of shape ``shape``.

    Examples
    --------
    >>> unbroadcast(np.ones((4, 3)), (3,)).tolist()
    [4.0, 4.0, 4.0]
    >>> unbroadcast(np.ones((4, 3)), (4, 1)).shape
    (4, 1)
    """
    shape = tuple(shape)
    try:
        fits = np.broadcast_shapes(shape, grad.shape) == grad.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"shape {shape} does not broadcast to the "
                         f"gradient's {grad.shape}")
    added = grad.ndim - len(shape)  # axes put in front
    stretched = tuple(added + i for i, n in enumerate(shape)
                      if n == 1 and grad.shape[added + i] != 1)
    summed = grad.sum(axis=tuple(range(added)) + stretched, keepdims=True)
    return summed.reshape(shape)


def embedding_backward(dY, indices, vocabulary_size):
    """The gradient of a table ``E`` whose rows ``E[indices]`` were gathered: a scatter-add.

    Repeated indices add their rows of ``dY`` (``np.add.at``, unbuffered).
    """
    dE = np.zeros((vocabulary_size,) + dY.shape[indices.ndim:])
    np.add.at(dE, indices, dY)
    return dE


def normalize_forward(x, gamma, beta, axis, eps=1e-5):
    """Normalise ``x`` over ``axis`` to mean 0 and variance 1, then scale by gamma, shift by beta.

    ``axis=0`` on a batch ``(N, D)`` is batch normalisation (training mode); ``axis=-1`` is
    layer normalisation. ``gamma`` and ``beta`` broadcast against ``x``.
    """
    mu = x.mean(axis=axis, keepdims=True)
    xc = x - mu
    var = (xc**2).mean(axis=axis, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = xc / std
    return gamma * xhat + beta, (xhat, std, gamma, axis)


def normalize_backward(dy, cache):
    """The closed-form backward pass of :func:`normalize_forward`: ``dx, dgamma, dbeta``."""
    xhat, std, gamma, axis = cache
    n = xhat.shape[axis]
    dxhat = dy * gamma
    dx = (n * dxhat - dxhat.sum(axis=axis, keepdims=True)
          - xhat * (dxhat * xhat).sum(axis=axis, keepdims=True)) / (n * std)
    dgamma = unbroadcast(dy * xhat, np.shape(gamma))
    dbeta = unbroadcast(dy, np.shape(gamma))
    return dx, dgamma, dbeta


def conv_output_size(size, kernel, stride, pad):
    """Output length of a convolution along one axis: ``(size + 2 pad - kernel) // stride + 1``."""
    return (size + 2 * pad - kernel) // stride + 1


def output_hw(x_shape, kh, kw, stride, pad):
    """Output height and width of a convolution of images of shape ``x_shape``."""
    H, W = x_shape[2:]
    return conv_output_size(H, kh, stride, pad), conv_output_size(W, kw, stride, pad)


def _pad(x, pad):
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def conv2d_naive(x, w, b, stride=1, pad=0):
    """A 2-D convolution (cross-correlation, as in deep learning) with explicit loops.

    ``x`` is ``(N, C, H, W)``, ``w`` is ``(F, C, kh, kw)``, ``b`` is ``(F,)``; the output is
    ``(N, F, Ho, Wo)``.
    """
    N = len(x)
    F, _, kh, kw = w.shape
    Ho, Wo = output_hw(x.shape, kh, kw, stride, pad)
    xp = _pad(x, pad)
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    top, left = i * stride, j * stride
                    patch = xp[n, :, top:top + kh, left:left + kw]
                    out[n, f, i, j] = np.sum(patch * w[f]) + b[f]
    return out


def conv2d_naive_backward(dout, x, w, stride=1, pad=0):
    """The backward pass of :func:`conv2d_naive`, with the same loops: ``dx, dw, db``."""
    N, F, Ho, Wo = dout.shape
    kh, kw = w.shape[2:]
    xp = _pad(x, pad)
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    rows = slice(i * stride, i * stride + kh)
                    cols = slice(j * stride, j * stride + kw)
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
    H, W = x.shape[2:]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def im2col(x, kh, kw, stride=1, pad=0):
    """Unfold every ``kh x kw`` patch of ``x`` (all channels) into one row of a matrix.

    Returns an array of shape ``(N * Ho * Wo, C * kh * kw)``: row ``(n, i, j)`` holds the patch
    under output position ``(i, j)`` of image ``n``, channel-major.
    """
    N, C = x.shape[:2]
    Ho, Wo = output_hw(x.shape, kh, kw, stride, pad)
    windows = np.lib.stride_tricks.sliding_window_view(
        _pad(x, pad), (kh, kw), axis=(2, 3))         # every window, stride 1
    windows = windows[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    # (N, C, Ho, Wo, kh, kw) -> one row per (n, i, j), channel-major
    rows = windows.transpose(0, 2, 3, 1, 4, 5)
    return rows.reshape(N * Ho * Wo, C * kh * kw)


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    """Fold rows of patches back into an image, **adding** where patches overlap.

    The adjoint of :func:`im2col`: ``sum(col2im(G) * x) == sum(G * im2col(x))``.
    """
    N, C, H, W = x_shape
    Ho, Wo = output_hw(x_shape, kh, kw, stride, pad)
    patches = cols.reshape(N, Ho, Wo, C, kh, kw).transpose(0, 3, 1, 2, 4, 5)
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for di in range(kh):  # one kernel offset at a time: no two patches collide
        for dj in range(kw):
            rows = slice(di, di + stride * Ho, stride)
            columns = slice(dj, dj + stride * Wo, stride)
            xp[:, :, rows, columns] += patches[..., di, dj]
    return xp[:, :, pad:pad + H, pad:pad + W]


def conv2d_forward(x, w, b, stride=1, pad=0):
    """The convolution as one matrix product of unfolded patches with the flattened filters."""
    N = len(x)
    F, _, kh, kw = w.shape
    Ho, Wo = output_hw(x.shape, kh, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)      # (N Ho Wo, C kh kw)
    Y = cols @ w.reshape(F, -1).T + b          # (N Ho Wo, F): affine, per patch
    out = Y.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
    return out, (cols, x.shape, w, stride, pad)


def conv2d_backward(dout, cache):
    """The backward pass of :func:`conv2d_forward`: chapter 6's rules, then col2im."""
    cols, x_shape, w, stride, pad = cache
    F, C, kh, kw = w.shape
    dY = dout.transpose(0, 2, 3, 1).reshape(-1, F)  # shaped like Y
    dw = (cols.T @ dY).T.reshape(w.shape)           # cols.T @ dY, transposed
    db = dY.sum(axis=0)
    dcols = dY @ w.reshape(F, -1)                   # dY times the flat filters
    return col2im(dcols, x_shape, kh, kw, stride, pad), dw, db


def dilate(dout, stride):
    """Insert ``stride - 1`` zeros between neighbouring entries along the last two axes."""
    if stride == 1:
        return dout
    N, F, Ho, Wo = dout.shape
    spread = np.zeros((N, F, (Ho - 1) * stride + 1, (Wo - 1) * stride + 1))
    spread[:, :, ::stride, ::stride] = dout
    return spread


def pad_or_crop(x, before, after):
    """Pad the last two axes of ``x`` with zeros, ``before[k]`` in front and ``after[k]``
    behind along axis ``k``; a negative amount crops that many rows or columns instead."""
    x = np.pad(x, ((0, 0), (0, 0)) + tuple((max(lo, 0), max(hi, 0))
                                           for lo, hi in zip(before, after)))
    keep = tuple(slice(max(-lo, 0), n - max(-hi, 0))
                 for lo, hi, n in zip(before, after, x.shape[2:]))
    return x[(slice(None), slice(None)) + keep]


def conv_input_gradient_transposed(dout, w, x_shape, stride=1, pad=0):
    """The input gradient as a transposed convolution: dilate ``dout``, pad it, and convolve
    with the kernel flipped in both spatial axes and its two channel axes swapped.

    The "full" padding is ``k - 1 - pad`` along each axis (``k`` the kernel's size there);
    when ``pad >= k`` it is negative, and that many rows or columns are cropped instead: they
    hold output positions whose patches lie wholly in the forward pass's zero padding.
    """
    F, C, kh, kw = w.shape
    spread = dilate(dout, stride)
    full = [k - 1 - pad for k in (kh, kw)]
    # rows and columns the forward pass never reached (stride does not
    # divide the size) get zeros at the bottom and right
    extra = [size - (n + k - 1 - 2 * pad)
             for size, n, k in zip(x_shape[2:], spread.shape[2:], (kh, kw))]
    padded = pad_or_crop(spread, full, [f + e for f, e in zip(full, extra)])
    flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)   # (C, F, kh, kw)
    return conv2d_forward(padded, flipped, np.zeros(C))[0]


def softmax_rows(S):
    """Softmax of each row; ``-inf`` entries get weight exactly 0."""
    e = np.exp(S - S.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def causal_mask(T):
    """``True`` where query ``i`` may look at key ``j``, that is ``j <= i``."""
    return np.tril(np.ones((T, T), dtype=bool))


def attention_forward(Q, K, V, causal=False):
    """One head of scaled dot-product attention: ``softmax(Q Kᵀ / sqrt(d)) V``."""
    d = Q.shape[-1]
    S = Q @ K.T / np.sqrt(d)
    if causal:
        S = np.where(causal_mask(len(S)), S, -np.inf)
    P = softmax_rows(S)
    return P @ V, (Q, K, V, P)


def attention_backward(dO, cache):
    """The backward pass of :func:`attention_forward`: ``dQ, dK, dV``."""
    Q, K, V, P = cache
    d = Q.shape[-1]
    dV = P.T @ dO
    dP = dO @ V.T
    # each row of dS is (diag(p) - p pᵀ) dp for its rows p, dp of P, dP
    dS = P * (dP - (dP * P).sum(axis=-1, keepdims=True))
    dQ = dS @ K / np.sqrt(d)
    dK = dS.T @ Q / np.sqrt(d)
    return dQ, dK, dV


def _new_axes(ax, figsize, ncols=1):
    if ax is None:
        fig = CellFigure(figsize=figsize, layout="constrained")
        return fig, fig.subplots(1, ncols)
    return ax[0].figure if ncols > 1 else ax.figure, ax


def plot_im2col(size=4, kernel=3, stride=1, ax=None):
    """Draw how im2col unfolds the patches of a one-channel ``size x size`` image.

    Left, the image with its pixels numbered from 0 (NumPy's flat index, row by row) and each
    patch outlined in its own colour; right, the unfolded matrix, one row per patch, each cell
    showing the pixel it copies. ``ax`` is a pair of axes, or None for a new figure. Returns the
    figure.
    """
    fig, (ax_img, ax_mat) = _new_axes(ax, (8.0, 3.6), ncols=2)
    pixels = np.arange(size * size, dtype=float).reshape(1, 1, size, size)
    cols = im2col(pixels, kernel, kernel, stride).astype(int)
    n_out = conv_output_size(size, kernel, stride, 0)
    colours = [to_rgba(f"C{k % 10}") for k in range(len(cols))]

    ax_img.set_xlim(-0.6, size - 0.4)
    ax_img.set_ylim(size - 0.4, -0.6)
    for r in range(size):
        for c in range(size):
            ax_img.add_patch(_square(c, r, "white"))
            ax_img.text(c, r, str(r * size + c), ha="center", va="center", fontsize=10)
    for k, colour in enumerate(colours):
        i, j = divmod(k, n_out)
        inset = 0.06 + 0.05 * k / len(colours)
        ax_img.add_patch(_outline(j * stride - 0.5 + inset, i * stride - 0.5 + inset,
                                  kernel - 2 * inset, colour))
    ax_img.set_title(f"{size}×{size} image, {kernel}×{kernel} patches, stride {stride}")

    ax_mat.set_xlim(-0.5, cols.shape[1] - 0.5)
    ax_mat.set_ylim(cols.shape[0] - 0.5, -0.5)
    for k, row in enumerate(cols):
        face = colours[k][:3] + (0.35,)
        for c, value in enumerate(row):
            ax_mat.add_patch(_square(c, k, face))
            ax_mat.text(c, k, str(value), ha="center", va="center", fontsize=10)
    ax_mat.set_title(f"im2col: {cols.shape[0]} rows (patches) × {cols.shape[1]} columns")
    ax_mat.set_xlabel("position in the patch (row-major)")
    ax_mat.set_ylabel("patch = output position")
    for axis in (ax_img, ax_mat):
        axis.set_aspect("equal")
        axis.tick_params(left=False, bottom=False, labelleft=False, labelbottom=False)
        axis.spines[:].set_visible(False)
    return fig


def _square(c, r, face):
    return Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="0.6", linewidth=0.8)


def _outline(x, y, width, colour, height=None):
    height = width if height is None else height
    return Rectangle((x, y), width, height, fill=False, edgecolor=colour, linewidth=2.2)


class AttentionGradientPicture:
    """Attention weights with one query row marked, and the size of each key's and value's
    gradient when only that query's output receives an upstream gradient; built once for ``T``
    positions, :meth:`update` shows other weights, gradients or query.

    The figure numbers positions from 1, as the book's text does. ``ax`` is a pair of axes or
    None. What moves is animated (see :class:`mathnotes._figures.FigureRedrawer`): the heat
    map, the outline of the query row, the left title and the frame, drawn over the heat map
    as in a saved figure. The bar chart, ``bar_axes``, is an animated inset axes that fills
    the right panel and is redrawn whole, so its y-axis still fits the tallest bar of each
    state (a saved figure leaves out an animated axes of its own, but draws an inset one).
    """

    def __init__(self, T, ax=None):
        self.figure, (ax_p, panel) = _new_axes(ax, (8.0, 3.5), ncols=2)
        positions = np.arange(T)
        labels = [str(j + 1) for j in positions]
        self._image = ax_p.imshow(np.zeros((T, T)), cmap="Blues", vmin=0, vmax=1, animated=True)
        self._row = ax_p.add_patch(_outline(-0.5, -0.5, T, "tab:red", height=1))
        for artist in (self._row, *ax_p.spines.values()):
            artist.set_animated(True)
        ax_p.set_xlabel("key position j")
        ax_p.set_ylabel("query position i")
        self._title = ax_p.set_title("", animated=True)
        ax_p.set_xticks(positions, labels)
        ax_p.set_yticks(positions, labels)
        panel.set_axis_off()
        self.bar_axes = ax_g = panel.inset_axes([0, 0, 1, 1], animated=True)
        width = 0.4
        zeros = np.zeros(T)
        self._bars = (ax_g.bar(positions - width / 2, zeros, width, label="‖row j of dK‖"),
                      ax_g.bar(positions + width / 2, zeros, width, label="‖row j of dV‖"))
        ax_g.set_xlim(ax_g.get_xlim())  # the bars' positions, autoscaled; the line is left out
        self._line = ax_g.axvline(0, color="tab:red", linestyle=":", linewidth=1)
        ax_g.set_xlabel("key position j")
        self._bar_title = ax_g.set_title("")
        ax_g.legend(loc="upper right")
        ax_g.set_xticks(positions, labels)

    def update(self, P, dK, dV, query):
        """Show weights ``P`` ``(T, T)``, gradients ``dK`` and ``dV`` ``(T, d)`` and
        ``query``, NumPy's 0-based row of ``P``; returns the figure, the same every time."""
        self._image.set_data(P)
        self._row.set_y(query - 0.5)
        self._title.set_text(f"attention weights P (row {query + 1} marked)")
        for bars, gradient in zip(self._bars, (dK, dV)):
            for bar, size in zip(bars, np.linalg.norm(gradient, axis=1)):
                bar.set_height(size)
        self._line.set_xdata([query + 0.5, query + 0.5])
        self._bar_title.set_text(f"gradients from query {query + 1}'s output only")
        self.bar_axes.relim()  # the y-limits fit the tallest bar, as in a new figure
        self.bar_axes.autoscale_view(scalex=False)
        return self.figure


def plot_attention_gradient(P, dK, dV, query, ax=None):
    """The picture of :class:`AttentionGradientPicture` for ``P``, ``dK``, ``dV`` and ``query``
    (as for its ``update``); ``ax`` is a pair of axes or None. Returns the figure."""
    return AttentionGradientPicture(len(P), ax).update(P, dK, dV, query)


def causal_explorer(draw, T):
    """The sliders of chapter 8's causal-mask figure, around ``draw(query, causal)``.

    ``draw`` returns the figure for a query position, counted from 1 to
    ``T``, with or without the causal mask (an
    :class:`AttentionGradientPicture` updated in place). The sliders start
    in the middle of the positions with the mask on, which the alt text of
    the static picture describes.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    T = integer(T, "T", minimum=2)
    return interactive_figure(
        draw,
        alt=(f"Left, a heat map of the {T} by {T} attention weights with "
             "one query row outlined in red; with the causal mask every entry "
             "above the diagonal is white (zero). Right, a bar chart over the "
             "key positions of the size of each row of dK and dV when only the "
             "outlined query's output has a gradient: with the mask, every bar "
             "to the right of the dotted line after the query is zero."),
        query=(1, T, 1),
        causal=True,
    )


# The same layers from mathnotes.Value operations: the tracer derives the backward pass.


def normalize_traced(x, gamma, beta, axis, eps=1e-5):
    """:func:`normalize_forward` from tracer operations, one stage per line, each labelled."""
    mu = x.mean(axis=axis, keepdims=True)
    xc = x - mu
    var = (xc**2).mean(axis=axis, keepdims=True)
    std = (var + eps).sqrt()
    xhat = xc / std
    y = gamma * xhat + beta
    names = {"mu": mu, "xc": xc, "var": var, "std": std, "xhat": xhat, "y": y}
    for label, value in names.items():
        value.label = label
    return y


def conv2d_traced(x, w, b, stride=1, pad=0):
    """:func:`conv2d_forward` from tracer operations: pad, gather the patches, one product.

    The gather's indices are :func:`im2col` of the padded image's pixel numbers, so the
    tracer's scatter-add backward of the gather is exactly :func:`col2im`.
    """
    N = x.shape[0]
    F, _, kh, kw = w.shape
    Ho, Wo = output_hw(x.shape, kh, kw, stride, pad)
    xp = x.pad(((0, 0), (0, 0), (pad, pad), (pad, pad)))
    pixel_numbers = np.arange(xp.data.size, dtype=float).reshape(xp.shape)
    where = im2col(pixel_numbers, kh, kw, stride).astype(int)
    cols = xp.reshape(-1)[where]               # (N Ho Wo, C kh kw)
    Y = cols @ w.reshape(F, -1).T + b
    return Y.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)


def attention_traced(Q, K, V, causal=False):
    """:func:`attention_forward` from tracer operations; the mask multiplies the exponentials.

    The shift subtracted before ``exp`` is the largest *allowed* score of each row, a constant
    (its gradient is zero): with the largest score of the whole row, a masked score far above
    the allowed ones (by about 745 in float64) would make every allowed exponential underflow
    to 0, and the division fail. Masked scores never reach ``exp``.
    """
    d = Q.shape[-1]
    S = Q @ K.T / np.sqrt(d)
    allowed = causal_mask(len(S.data)) if causal else np.ones(S.shape, dtype=bool)
    shift = np.where(allowed, S.data, -np.inf).max(axis=-1, keepdims=True)
    # masked scores become 0 before exp (no overflow), their exponentials 0 after it
    e = ((S - shift) * allowed).exp() * allowed
    P = e / e.sum(axis=-1, keepdims=True)
    return P @ V
