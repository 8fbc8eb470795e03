"""The book's code for chapter 9: forward mode with dual numbers, descent on a valley, pictures.

:class:`Dual` carries an array and its tangent through a program, so one run
gives the value and a Jacobian-vector product (forward-mode differentiation).
It mirrors the methods of :class:`mathnotes.Value` that the chapter uses, so
the same Python function runs forward under ``Dual`` and backward under
``Value``; :func:`inv`, :func:`solve` and :func:`logdet` apply the chapter's
matrix rules as forward-mode steps. It is a teaching device, not a library: it
knows only the operations the chapter needs.

The pictures: the derivative of the matrix inverse at work
(:func:`plot_inverse_derivative`), the Jacobian of ``X -> B X C`` under the
two ways of flattening a matrix (:func:`plot_vec_jacobians`), and gradient
descent against Newton's method on a quadratic valley (:class:`ValleyPicture`,
the chapter's interactive figure with its sliders in :func:`valley_explorer`, and
:func:`plot_valley`).
"""

import ipywidgets as widgets
import numpy as np

import mathnotes as mn
from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, function, integer, real
from mathnotes.interactive import interactive_figure


# ----------------------------------------------------------------------------- forward mode


def _constant(x):
    """A non-Dual operand as a float64 array (a number stays 0-d)."""
    return np.asarray(x, dtype=np.float64)


class Dual:
    """An array ``value`` with a tangent: ``value + tangent ε``, where ``ε² = 0``.

    Every operation maps the pair ``(x, ẋ)`` to ``(f(x), f'(x)[ẋ])``, so a
    program run on ``Dual(x, v)`` returns its value and its Jacobian-vector
    product along ``v`` in one pass. Plain numbers and arrays on either side
    of an operator are constants (tangent zero); NumPy broadcasting applies.

    Supported: ``+ - * /``, ``**`` with a number exponent, unary ``-``, ``@``,
    indexing, :attr:`T`, :meth:`reshape`, :meth:`sum`, :meth:`mean`, and the
    element-wise :meth:`exp`, :meth:`log`, :meth:`sin`, :meth:`cos`,
    :meth:`tanh`, :meth:`sigmoid`. The NumPy functions ``np.exp``,
    ``np.log``, ``np.sin``, ``np.cos``, ``np.tanh`` and the operators between
    an array and a ``Dual`` call these, so plain NumPy code runs on duals;
    any other NumPy function refuses a ``Dual`` with a ``TypeError``.

    Parameters
    ----------
    value : array_like
        The point, stored as a float64 copy.
    tangent : array_like
        The direction, of the same shape as ``value``.

    Raises
    ------
    ValueError
        If the shapes differ or a number is not finite.

    Examples
    --------
    >>> x = Dual(2.0, 1.0)
    >>> y = x * x * x          # x³: value 8, derivative 3 x² = 12
    >>> float(y.value), float(y.tangent)
    (8.0, 12.0)
    """

    def __init__(self, value, tangent):
        value = finite_array(value, "value")
        tangent = finite_array(tangent, "tangent")
        if value.shape != tangent.shape:
            raise ValueError(
                f"tangent has shape {tangent.shape} but value has shape {value.shape}: a "
                "tangent is a direction in the space of the value, so the shapes must be equal"
            )
        self.value, self.tangent = value, tangent

    @classmethod
    def _make(cls, value, tangent):
        """A result: no checks (the operands were checked), tangent broadcast to the value."""
        out = cls.__new__(cls)
        out.value = np.asarray(value, dtype=np.float64)
        tangent = np.asarray(tangent, dtype=np.float64)
        if tangent.shape != out.value.shape:
            tangent = np.broadcast_to(tangent, out.value.shape).copy()
        out.tangent = tangent
        return out

    @property
    def shape(self):
        """The shape of ``value``."""
        return self.value.shape

    @property
    def ndim(self):
        """The number of axes of ``value``."""
        return self.value.ndim

    def __repr__(self):
        if self.value.ndim == 0:
            return f"Dual(value={float(self.value):.6g}, tangent={float(self.tangent):.6g})"
        return f"Dual(shape={self.shape})"

    def _bilinear(self, other, op, reflected=False):
        # the product rule, once for every bilinear op: d(a ∘ b) = da ∘ b + a ∘ db
        a, b = (other, self) if reflected else (self, other)
        if not isinstance(a, Dual):
            a = _constant(a)
            return Dual._make(op(a, b.value), op(a, b.tangent))
        if not isinstance(b, Dual):
            b = _constant(b)
            return Dual._make(op(a.value, b), op(a.tangent, b))
        return Dual._make(op(a.value, b.value), op(a.tangent, b.value) + op(a.value, b.tangent))

    def __add__(self, other):
        if isinstance(other, Dual):
            return Dual._make(self.value + other.value, self.tangent + other.tangent)
        return Dual._make(self.value + _constant(other), self.tangent)

    __radd__ = __add__

    def __neg__(self):
        return Dual._make(-self.value, -self.tangent)

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        return self._bilinear(other, np.multiply)

    __rmul__ = __mul__

    def __matmul__(self, other):
        return self._bilinear(other, np.matmul)

    def __rmatmul__(self, other):
        return self._bilinear(other, np.matmul, reflected=True)

    def __truediv__(self, other):
        if isinstance(other, Dual):
            return self * other.reciprocal()
        return Dual._make(self.value / _constant(other), self.tangent / _constant(other))

    def __rtruediv__(self, other):
        return self.reciprocal() * other

    def reciprocal(self):
        """``1 / x``, entry by entry: tangent ``-ẋ / x²``."""
        return Dual._make(1.0 / self.value, -self.tangent / self.value**2)

    def __pow__(self, exponent):
        p = float(real(exponent, "exponent"))
        return Dual._make(self.value**p, p * self.value ** (p - 1) * self.tangent)

    def _elementwise(self, value, slope):
        return Dual._make(value, slope * self.tangent)

    def exp(self):
        """``e^x``, entry by entry; its slope is itself."""
        e = np.exp(self.value)
        return self._elementwise(e, e)

    def log(self):
        """Natural logarithm, entry by entry; slope ``1 / x``."""
        return self._elementwise(np.log(self.value), 1.0 / self.value)

    def sin(self):
        """Sine, entry by entry; slope ``cos x``."""
        return self._elementwise(np.sin(self.value), np.cos(self.value))

    def cos(self):
        """Cosine, entry by entry; slope ``-sin x``."""
        return self._elementwise(np.cos(self.value), -np.sin(self.value))

    def tanh(self):
        """Hyperbolic tangent, entry by entry; slope ``1 - tanh² x``."""
        t = np.tanh(self.value)
        return self._elementwise(t, 1.0 - t**2)

    def sigmoid(self):
        """Logistic sigmoid, entry by entry; slope ``σ (1 - σ)``."""
        s = 1.0 / (1.0 + np.exp(-self.value))
        return self._elementwise(s, s * (1.0 - s))

    # linear operations act on value and tangent alike
    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (all axes by default), of value and tangent."""
        return Dual._make(self.value.sum(axis=axis, keepdims=keepdims),
                          self.tangent.sum(axis=axis, keepdims=keepdims))

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis`` (all axes by default), of value and tangent."""
        return Dual._make(self.value.mean(axis=axis, keepdims=keepdims),
                          self.tangent.mean(axis=axis, keepdims=keepdims))

    def reshape(self, *shape):
        """The same numbers in another shape (row-major order, as NumPy's)."""
        return Dual._make(self.value.reshape(*shape), self.tangent.reshape(*shape))

    @property
    def T(self):
        """The transpose (axes reversed)."""
        return Dual._make(self.value.T, self.tangent.T)

    def __getitem__(self, index):
        return Dual._make(self.value[index], self.tangent[index])

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy's functions of a ``Dual``: the element-wise ones above and the operators."""
        if method == "__call__" and not kwargs:
            if ufunc in _UNARY and len(inputs) == 1:
                return getattr(self, _UNARY[ufunc])()
            if ufunc in _BINARY and len(inputs) == 2:
                forward, reflected = _BINARY[ufunc]
                a, b = inputs
                return getattr(a, forward)(b) if isinstance(a, Dual) else getattr(b, reflected)(a)
        return NotImplemented  # NumPy then raises a TypeError naming the function


# the NumPy functions a Dual answers, and the methods that answer them
_UNARY = {np.exp: "exp", np.log: "log", np.sin: "sin", np.cos: "cos", np.tanh: "tanh",
          np.negative: "__neg__"}
_BINARY = {np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
           np.multiply: ("__mul__", "__rmul__"), np.true_divide: ("__truediv__", "__rtruediv__"),
           np.matmul: ("__matmul__", "__rmatmul__")}


def _as_dual(x):
    return x if isinstance(x, Dual) else Dual._make(_constant(x), 0.0)


def inv(X):
    """The inverse of a square matrix, with ``d(X⁻¹) = -X⁻¹ dX X⁻¹`` as its tangent.

    Parameters
    ----------
    X : Dual or array_like
        A square invertible matrix (a plain array has tangent zero).

    Returns
    -------
    Dual

    Examples
    --------
    >>> X = Dual([[2.0, 0.0], [0.0, 4.0]], [[1.0, 0.0], [0.0, 0.0]])
    >>> inv(X).tangent          # only the first diagonal entry moves: -1 / 2²
    array([[-0.25,  0.  ],
           [ 0.  ,  0.  ]])
    """
    X = _as_dual(X)
    X_inv = np.linalg.inv(X.value)
    return Dual._make(X_inv, -X_inv @ X.tangent @ X_inv)


def solve(A, b):
    """The solution ``x`` of ``A x = b``; its tangent solves ``A ẋ = ḃ - Ȧ x``.

    Parameters
    ----------
    A : Dual or array_like
        Square invertible matrix.
    b : Dual or array_like
        Right-hand side: a vector or a matrix of columns.

    Returns
    -------
    Dual

    Examples
    --------
    >>> A = Dual([[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 0.0]])
    >>> solve(A, [4.0, 3.0]).tangent       # x₁ = 4 / a: slope -4 / a² = -1
    array([-1.,  0.])
    """
    A, b = _as_dual(A), _as_dual(b)
    x = np.linalg.solve(A.value, b.value)
    return Dual._make(x, np.linalg.solve(A.value, b.tangent - A.tangent @ x))


def logdet(X):
    """``log |det X|`` of a square invertible matrix; its tangent is ``tr(X⁻¹ Ẋ)``.

    Parameters
    ----------
    X : Dual or array_like
        Square invertible matrix.

    Returns
    -------
    Dual
        A 0-d value.

    Examples
    --------
    >>> X = Dual([[2.0, 0.0], [0.0, 3.0]], [[1.0, 0.0], [0.0, 1.0]])
    >>> round(float(logdet(X).tangent), 6)   # 1/2 + 1/3
    0.833333
    """
    X = _as_dual(X)
    _, value = np.linalg.slogdet(X.value)
    return Dual._make(value, np.trace(np.linalg.solve(X.value, X.tangent)))


def jvp(f, x, v):
    """Run ``f`` once on ``Dual(x, v)``: its value at ``x`` and its Jacobian-vector product.

    Parameters
    ----------
    f : callable
        A function written with the operations :class:`Dual` supports.
    x : array_like
        The point.
    v : array_like
        The direction, shaped like ``x``.

    Returns
    -------
    value : numpy.ndarray
        ``f(x)``.
    tangent : numpy.ndarray
        ``f'(x)[v]``, shaped like ``f(x)``.

    Examples
    --------
    >>> value, tangent = jvp(lambda z: (z * z).sum(), [1.0, 2.0], [1.0, 0.0])
    >>> float(value), float(tangent)        # |z|² = 5, slope along e₁: 2 z₁
    (5.0, 2.0)
    """
    function(f, "f", takes="a Dual")
    out = f(Dual(x, v))
    if not isinstance(out, Dual):  # f did not depend on x: its tangent is zero
        out = Dual._make(_constant(out), 0.0)
    return out.value, out.tangent


def jacobian_forward(f, x):
    """The generalized Jacobian of ``f`` at ``x`` by forward mode: one JVP per entry of ``x``.

    Returns
    -------
    numpy.ndarray
        Shape ``f(x).shape + x.shape`` (numerator layout).
    """
    function(f, "f", takes="a Dual")
    x = finite_array(x, "x")
    columns = []
    for index in np.ndindex(x.shape):
        direction = np.zeros(x.shape)
        direction[index] = 1.0
        columns.append(jvp(f, x, direction)[1])
    out_shape = columns[0].shape
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def jacobian_reverse(f, x):
    """The generalized Jacobian of ``f`` at ``x`` by reverse mode: one backward sweep per output.

    ``f`` runs once on a :class:`mathnotes.Value`, which records the
    computation; then one backward sweep per entry of the output gives one
    row of the Jacobian (a vector-Jacobian product with a unit upstream).

    Returns
    -------
    numpy.ndarray
        Shape ``f(x).shape + x.shape`` (numerator layout).
    """
    function(f, "f", takes="a mathnotes.Value")
    x = finite_array(x, "x")
    xv = mn.Value(x)
    out = f(xv)
    if not isinstance(out, mn.Value):
        raise TypeError(f"f must return a mathnotes.Value computed from its argument, got "
                        f"{type(out).__name__}")
    J = np.empty(out.shape + x.shape)
    for index in np.ndindex(out.shape):
        upstream = np.zeros(out.shape)
        upstream[index] = 1.0
        xv.zero_grad()
        out.backward(upstream)
        J[index] = xv.grad
    return J


# ------------------------------------------------------------------ descent on a quadratic


def _hessian_2x2(hessian):
    H = finite_array(hessian, "hessian", shape=(2, 2))
    if not np.allclose(H, H.T):
        raise ValueError("hessian must be symmetric: a Hessian of a smooth function is")
    if np.linalg.eigvalsh(H)[0] <= 0:
        raise ValueError("hessian must be positive definite: the valley needs a minimum")
    return H


def descent_path(hessian, start, lr, steps):
    """Gradient descent ``θ ← θ - lr H θ`` on the valley ``½ θᵀ H θ`` (minimum at 0).

    Parameters
    ----------
    hessian : array_like
        Symmetric positive definite matrix ``H``, shape (n, n).
    start : array_like
        The first point, shape (n,).
    lr : float
        The step size ``η`` (positive).
    steps : int
        Number of steps.

    Returns
    -------
    numpy.ndarray
        Shape (steps + 1, n): the start, then each point.
    """
    H = finite_array(hessian, "hessian", ndim=2)
    theta = finite_array(start, "start", shape=(H.shape[0],))
    lr = real(lr, "lr", minimum=0, strict=True)
    path = [theta]
    for _ in range(integer(steps, "steps", minimum=0)):
        theta = theta - lr * (H @ theta)
        path.append(theta)
    return np.array(path)


def steps_to_shrink(eigenvalues, start, lr, factor=1e-6, max_steps=100_000):
    """Steps of gradient descent on ``½ Σ λᵢ θᵢ²`` until ``|θ|`` is ``factor`` times ``|θ₀|``.

    In the eigenvector basis each coordinate is multiplied by ``1 - lr λᵢ``
    at every step, so the distance after ``k`` steps is known in closed form.

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues ``λᵢ`` (positive), shape (n,).
    start : array_like
        The start in the eigenvector basis, shape (n,).
    lr : float
        The step size (positive).
    factor : float, optional
        The shrinking factor to reach, between 0 and 1.
    max_steps : int, optional
        The largest count tried.

    Returns
    -------
    int or None
        The first ``k`` with ``|θ_k| < factor |θ₀|``, or None if no count up
        to ``max_steps`` reaches it (a step too large diverges).
    """
    lam = finite_array(eigenvalues, "eigenvalues", ndim=1)
    start = finite_array(start, "start", shape=lam.shape)
    rates = np.abs(1.0 - real(lr, "lr", minimum=0, strict=True) * lam)
    factor = real(factor, "factor", minimum=0, strict=True)
    if factor >= 1:
        raise ValueError(f"factor must be below 1, got {factor}")
    return _first_step_below(rates, start, factor, integer(max_steps, "max_steps"))


def _first_step_below(rates, start, factor, max_steps):
    """The closed form of :func:`steps_to_shrink`, unchecked (for the picture's curves)."""
    if np.max(rates[start != 0], initial=0.0) >= 1.0:
        return None
    k = np.arange(max_steps + 1)
    weights = start**2 / np.sum(start**2)  # the squared distance after k steps, over |θ₀|²
    distance2 = sum(w * np.power(r**2, k) for w, r in zip(weights, rates) if w > 0)
    below = np.flatnonzero(distance2 < factor**2)
    return int(below[0]) if below.size else None


# ------------------------------------------------------------------------------- pictures


def inverse_prediction_errors(X, V, ts):
    """How well two linear predictions of ``(X + t V)⁻¹`` do, for each step ``t``.

    Parameters
    ----------
    X : array_like
        Square invertible matrix.
    V : array_like
        A direction, shaped like ``X``.
    ts : array_like
        Positive steps, shape (k,).

    Returns
    -------
    dict
        ``{"correct": errors, "wrong": errors}`` for the predictions
        ``D = -X⁻¹ V X⁻¹`` and ``D = -X⁻² V``: the Frobenius norms of
        ``(X + t V)⁻¹ - X⁻¹ - t D``, shape (k,).
    """
    X = finite_array(X, "X", ndim=2)
    V = finite_array(V, "V", shape=X.shape)
    ts = finite_array(ts, "ts", ndim=1)
    if np.any(ts <= 0):
        raise ValueError("ts must be positive steps")
    X_inv = np.linalg.inv(X)
    predictions = {"correct": -X_inv @ V @ X_inv, "wrong": -X_inv @ X_inv @ V}
    exact = [np.linalg.inv(X + t * V) - X_inv for t in ts]
    return {name: np.array([np.linalg.norm(change - t * D) for t, change in zip(ts, exact)])
            for name, D in predictions.items()}


def plot_inverse_derivative(X, V, t, *, ts=None, figsize=(8.0, 3.4)):
    """The derivative of ``X ↦ X⁻¹`` at work on a 2x2 matrix, and a wrong rule beside it.

    Left: the images of the unit circle under ``X⁻¹`` (grey), under
    ``(X + t V)⁻¹`` (black), under the first-order prediction
    ``X⁻¹ - t X⁻¹ V X⁻¹`` (dashed blue) and under the wrong
    ``X⁻¹ - t X⁻² V`` (dotted red). Right: the error of both predictions
    against ``t`` on log-log axes (:func:`inverse_prediction_errors`), with
    guide lines of slope 1 and 2.

    Parameters
    ----------
    X : array_like
        Invertible matrix, shape (2, 2).
    V : array_like
        The direction, shape (2, 2).
    t : float
        The step of the left panel (positive).
    ts : array_like, optional
        Steps of the right panel; 25 from 1e-4 to 1 by default.
    figsize : tuple of float, optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes.
    """
    X = finite_array(X, "X", shape=(2, 2))
    V = finite_array(V, "V", shape=(2, 2))
    t = real(t, "t", minimum=0, strict=True)
    ts = np.logspace(-4, 0, 25) if ts is None else finite_array(ts, "ts", ndim=1)
    X_inv = np.linalg.inv(X)
    circle = np.stack([np.cos(np.linspace(0, 2 * np.pi, 200)),
                       np.sin(np.linspace(0, 2 * np.pi, 200))])
    images = {
        "X⁻¹": (X_inv, dict(color="0.6", linewidth=1)),
        "(X + tV)⁻¹": (np.linalg.inv(X + t * V), dict(color="black", linewidth=2)),
        "X⁻¹ − t X⁻¹ V X⁻¹": (X_inv - t * X_inv @ V @ X_inv,
                              dict(color="tab:blue", linestyle="--", linewidth=1.5)),
        "X⁻¹ − t X⁻² V (wrong)": (X_inv - t * X_inv @ X_inv @ V,
                                  dict(color="crimson", linestyle=":", linewidth=1.8)),
    }
    fig = CellFigure(figsize=figsize, layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    for label, (M, style) in images.items():
        left.plot(*(M @ circle), label=label, **style)
    left.set_aspect("equal")
    left.set_title(f"the unit circle under each matrix, t = {t:g}")
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2,
                frameon=False)

    errors = inverse_prediction_errors(X, V, ts)
    styles = {"correct": dict(color="tab:blue", marker="o", label="D = −X⁻¹ V X⁻¹"),
              "wrong": dict(color="crimson", marker="s", label="D = −X⁻² V (wrong)")}
    for name, err in errors.items():
        right.loglog(ts, err, markersize=3, linewidth=1.2, **styles[name])
    middle = len(ts) // 3
    for power, anchor in ((1, errors["wrong"]), (2, errors["correct"])):
        guide = 4 * anchor[0] * (ts / ts[0]) ** power  # above the curve it guides
        right.loglog(ts, guide, color="0.5", linewidth=0.8, linestyle="-.")
        right.annotate(f"slope {power}", (ts[middle], guide[middle]), textcoords="offset points",
                       xytext=(-6, 6), ha="right", fontsize=8, color="0.35")
    right.set_xlabel("step t")
    right.set_ylabel("‖(X + tV)⁻¹ − X⁻¹ − t D‖")
    right.set_title("error of the first-order prediction t D")
    right.legend(fontsize=8, loc="upper left")
    return fig


def plot_vec_jacobians(B, C, *, figsize=(8.0, 2.9)):
    """The Jacobian of ``X ↦ B X C`` under the two ways of flattening a matrix.

    Left: flattened column by column (the ``vec`` of the formulas, NumPy's
    ``order="F"``), the Jacobian is ``Cᵀ ⊗ B``: blocks shaped like ``B``,
    block ``(i, j)`` being ``C[j, i] B``. Right: flattened row by row
    (NumPy's default ``ravel``), it is ``B ⊗ Cᵀ``: blocks shaped like ``Cᵀ``.
    Thin lines separate the blocks; one colour scale, symmetric about zero.

    Parameters
    ----------
    B : array_like
        Shape (m, p).
    C : array_like
        Shape (q, n).
    figsize : tuple of float, optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two image axes and a colour bar.
    """
    B = finite_array(B, "B", ndim=2)
    C = finite_array(C, "C", ndim=2)
    panels = [("column by column (vec): Cᵀ ⊗ B", np.kron(C.T, B), B.shape),
              ("row by row (ravel): B ⊗ Cᵀ", np.kron(B, C.T), C.T.shape)]
    vmax = float(np.max(np.abs(panels[0][1]))) or 1.0
    fig = CellFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, (title, J, block) in zip(axes, panels):
        image = ax.imshow(J, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        rows, cols = J.shape
        ax.hlines(np.arange(block[0], rows, block[0]) - 0.5, -0.5, cols - 0.5, color="0.2",
                  linewidth=0.8)
        ax.vlines(np.arange(block[1], cols, block[1]) - 0.5, -0.5, rows - 0.5, color="0.2",
                  linewidth=0.8)
        ax.set_xticks(range(cols), [str(j + 1) if j % 2 == 0 else "" for j in range(cols)])
        ax.set_yticks(range(rows), [str(i + 1) for i in range(rows)])
        ax.set_title(title)
        ax.set_xlabel("entry of X, flattened")
        ax.set_ylabel("entry of Y, flattened")
    fig.colorbar(image, ax=axes, shrink=0.8)
    return fig


class ValleyPicture:
    """Gradient descent against Newton's method on the valley ``½ (θ₁² + κ θ₂²)``, built once.

    The Hessian is ``diag(1, κ)``, so ``κ`` is its condition number.
    Left: level sets of the valley (ellipses whose long axis is ``√κ`` times
    the short one), the first steps of gradient descent from ``start`` with
    the step ``η = s · η*``, where ``η* = 2 / (1 + κ)`` is the best fixed
    step, and Newton's step, which lands on the minimum. Right: the number
    of steps gradient descent needs to shrink the distance to the minimum by
    ``factor``, against ``κ``, for the chosen multiple ``s`` and for the best
    step, with a marker at the current ``κ``. :meth:`update` moves it; the
    moving artists are animated (see :class:`mathnotes._figures.FigureRedrawer`),
    and the curve for a multiple is computed once.

    Parameters
    ----------
    start : array_like, optional
        The first point, shape (2,).
    kappa_max : int, optional
        The largest condition number on the right panel.
    shown_steps : int, optional
        How many steps of gradient descent the left panel draws.
    factor : float, optional
        The shrinking factor the right panel counts steps for.
    figsize : tuple of float, optional
        Figure size in inches.

    Attributes
    ----------
    start, kappa_max, shown_steps, factor
        As given (``start`` as an array).
    """

    _MAX_STEPS = 20_000

    def __init__(self, *, start=(-10.0, 1.0), kappa_max=100, shown_steps=30, factor=1e-6,
                 figsize=(8.0, 3.3)):
        self.start = finite_array(start, "start", shape=(2,))
        self.kappa_max = integer(kappa_max, "kappa_max", minimum=2)
        self.shown_steps = integer(shown_steps, "shown_steps")
        self.factor = real(factor, "factor", minimum=0, strict=True)
        self._kappas = np.unique(np.round(np.geomspace(1, self.kappa_max, 60)).astype(int))
        self._curves = {}
        self.figure = fig = CellFigure(figsize=figsize, layout="constrained")
        valley, counts = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.45, 1]})
        reach = 1.1 * float(np.max(np.abs(self.start)))
        self._angles = np.linspace(0, 2 * np.pi, 120)
        self._sizes = np.linspace(reach / 10, reach, 8)  # half-widths of the drawn level sets
        moving = {"animated": True}
        self._levels = [valley.plot([], [], color="0.75", linewidth=0.8, **moving)[0]
                        for _ in self._sizes]
        (self._path,) = valley.plot([], [], "o-", color="tab:blue", markersize=3, linewidth=1,
                                    label="gradient descent", **moving)
        valley.annotate("", xy=(0, 0), xytext=tuple(self.start), zorder=1,
                        arrowprops={"arrowstyle": "-|>", "color": "tab:green", "linewidth": 3,
                                    "alpha": 0.6})
        valley.plot([], [], color="tab:green", linewidth=3, alpha=0.6, label="Newton: one step")
        valley.plot(0, 0, "k*", markersize=9)
        valley.set_xlim(-reach, reach)
        valley.set_ylim(-0.2 * reach, 0.2 * reach)
        valley.set_xlabel("θ₁ (shallow, λ = 1)")
        valley.set_ylabel("θ₂ (steep, λ = κ)")
        valley.legend(loc="lower right")
        valley.set_title(" ", animated=True)

        best = self._curve(1.0)
        counts.loglog(self._kappas, best, "--", color="0.4", label="best step η*")
        counts.loglog(self._kappas, np.ones(len(self._kappas)), ":", color="tab:green",
                      label="Newton")
        (self._chosen,) = counts.loglog(self._kappas, best, color="tab:blue",
                                        label="step η", **moving)
        (self._marker,) = counts.plot([], [], "o", color="tab:blue", markersize=6, **moving)
        counts.set_xlim(1, self.kappa_max)
        counts.set_ylim(0.7, 1e4)
        counts.set_xlabel("condition number κ")
        counts.set_ylabel(f"steps to get {1 / self.factor:,.0f} times closer")
        counts.legend(loc="upper left")
        counts.set_title(" ", animated=True)
        self._valley, self._counts = valley, counts

    def _curve(self, multiple):
        """Steps to shrink for every κ of the grid (NaN where the step diverges), cached."""
        if multiple not in self._curves:
            values = [self.steps(kappa, multiple) for kappa in self._kappas]
            self._curves[multiple] = np.array([np.nan if v is None else v for v in values],
                                              dtype=float)
        return self._curves[multiple]

    def steps(self, kappa, multiple=1.0):
        """Steps of gradient descent with ``η = multiple · η*`` to shrink by ``factor``, or None."""
        lr = multiple * 2.0 / (1.0 + kappa)
        rates = np.abs(1.0 - lr * np.array([1.0, kappa]))
        return _first_step_below(rates, self.start, self.factor, self._MAX_STEPS)

    def update(self, kappa, multiple=1.0):
        """Show the valley of condition number ``kappa`` and the step ``multiple · η*``.

        Returns
        -------
        matplotlib.figure.Figure
            The same figure every time.
        """
        kappa = real(kappa, "kappa", minimum=1)
        multiple = real(multiple, "multiple", minimum=0, strict=True)
        for line, size in zip(self._levels, self._sizes):
            line.set_data(size * np.cos(self._angles),
                          size / np.sqrt(kappa) * np.sin(self._angles))
        lr = multiple * 2.0 / (1.0 + kappa)
        path = descent_path(np.diag([1.0, kappa]), self.start, lr, self.shown_steps)
        self._path.set_data(path[:, 0], path[:, 1])
        self._chosen.set_ydata(self._curve(multiple))
        count = self.steps(kappa, multiple)
        if count is None:
            self._marker.set_data([], [])
            verdict = "descent diverges (η > 2/κ)"
        else:
            self._marker.set_data([kappa], [count])
            verdict = f"{count} descent steps"
        self._valley.title.set_text(f"κ = {kappa:g}, η = {multiple:.2f} η*: {verdict}")
        self._counts.title.set_text("the cost of a narrow valley")
        return self.figure


def plot_valley(kappa, multiple=1.0, **options):
    """A static picture of :class:`ValleyPicture` for one ``kappa`` and step multiple.

    ``options`` are those of :class:`ValleyPicture`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return ValleyPicture(**options).update(kappa, multiple)


def valley_explorer(draw, picture, *, kappa=25, multiple=1.0):
    """The sliders of chapter 9's valley figure, around ``draw(kappa, multiple)``.

    ``draw`` returns ``picture`` (a :class:`ValleyPicture`) updated for a
    condition number and a step ``multiple · η*``. The sliders start at
    ``kappa`` and ``multiple``; the alt text of the static picture gives the
    start, whether the drawn steps cross the valley at every step, and the
    number of steps descent needs there, computed by ``picture``.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.

    Raises
    ------
    TypeError
        If ``picture`` is not a :class:`ValleyPicture`.
    ValueError
        For a ``kappa`` outside the picture's range or a ``multiple`` outside
        the slider's, 0.2 to 1.1.
    """
    if not isinstance(picture, ValleyPicture):
        raise TypeError(f"picture must be a ValleyPicture, got {type(picture).__name__}")
    kappa = integer(kappa, "kappa", minimum=1)
    if kappa > picture.kappa_max:
        raise ValueError(f"kappa must be at most the picture's kappa_max, "
                         f"{picture.kappa_max}; got {kappa}")
    low, high = 0.2, 1.1
    multiple = real(multiple, "multiple", minimum=low)
    if multiple > high:
        raise ValueError(f"multiple must be between {low} and {high}, got {multiple}")
    lr = multiple * 2.0 / (1.0 + kappa)
    path = descent_path(np.diag([1.0, kappa]), picture.start, lr, picture.shown_steps)
    crossings = np.sign(path[1:, 1]) != np.sign(path[:-1, 1])
    crossing = ("crosses the valley at every step" if crossings.all()
                else "crosses the valley" if crossings.any() else "never crosses the valley")
    count = picture.steps(kappa, multiple)
    if count is None:
        way = "moving away from a star at the centre, the minimum"
        dot = f"no dot at {kappa}, where descent diverges"
    else:
        way = "on its way towards a star at the centre, the minimum"
        dot = (f"a dot at {kappa}, where descent needs {count} steps to get "
               f"{1 / picture.factor:,.0f} times closer")
    chosen = " (the same line here)" if multiple == 1 else ""
    x0, y0 = picture.start
    shape = "round" if kappa == 1 else "ellipses with their long axis horizontal"
    return interactive_figure(
        draw,
        alt=(f"Left: the level sets of a valley, {shape}. A blue path, the first "
             f"{picture.shown_steps} steps of gradient descent from ({x0:g}, {y0:g}), "
             f"{crossing} {way}; a thick green arrow, Newton's step, goes from the start "
             "straight to the star. Right: on log-log axes, the number of descent steps "
             f"against the condition number from 1 to {picture.kappa_max}: a rising dashed "
             f"line for the best step and a blue line for the chosen one{chosen}, with "
             f"{dot}, and a flat dotted line at one step for Newton."),
        kappa=widgets.IntSlider(value=kappa, min=1, max=picture.kappa_max, description="κ"),
        multiple=widgets.FloatSlider(value=multiple, min=low, max=high, step=0.05,
                                     description="η / η*"),
    )
