"""The appendix's table of identities: each row holds its formula and its code.

A row is one record: the LaTeX of the function and of its derivative, the
NumPy function, the derivative as code, and the point (so the input shapes)
where it is checked. The appendix prints its tables from these records and
checks every record with :mod:`mathnotes`, so the formula on the page and the
code that is checked come from the same object. Three kinds of row:

- :class:`Jacobian`: a function of a vector (or a number) and its Jacobian in
  numerator layout, with the denominator layout written as its own code;
- :class:`Backward`: a backward pass, the gradient with respect to the
  variable given the upstream gradient ``G`` of the output (a vector-Jacobian
  product; ``G`` is the number 1 for a scalar function);
- :class:`Differential`: a derivative as a linear map, ``df = f'(X)[dX]``.
"""

import inspect
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np

import mathnotes as mn
from bookcode import ch08, ch10


@dataclass(frozen=True)
class Jacobian:
    """A function of a vector and its Jacobian, in one or both layouts.

    ``num(x)`` returns the numerator-layout Jacobian, (size of f) x (size of
    x); ``den(x)``, when given, the denominator layout, written separately so
    that its check is a check of the transposed formula, not of ``.T``.
    """

    section: str
    f_tex: str
    var: np.ndarray
    f: Callable
    num_tex: str
    num: Callable
    den_tex: str = ""
    den: Callable = None
    var_tex: str = "$x$"

    def checks(self):
        """The results of check_jacobian of each layout (and check_gradient
        of the column, for a scalar f)."""
        out = np.asarray(self.f(self.var))
        J = np.asarray(self.num(self.var))
        assert J.shape == (out.size, self.var.size), (self.f_tex, J.shape)
        results = [mn.check_jacobian(self._as_vector, J, self.var)]
        if self.den is None:
            column = J.T
        else:
            column = np.asarray(self.den(self.var))
            assert column.shape == J.shape[::-1], (self.f_tex, column.shape)
            results.append(mn.check_jacobian(self._as_vector, column.T,
                                             self.var))
        if out.ndim == 0:   # the gradient, shaped like the variable
            results.append(mn.check_gradient(
                self.f, column.reshape(self.var.shape), self.var))
        return results

    def _as_vector(self, v):
        return np.atleast_1d(self.f(v))

    def shape(self):
        """The shape of the numerator-layout Jacobian."""
        return np.asarray(self.num(self.var)).shape


@dataclass(frozen=True)
class Backward:
    """A backward pass: ``grad(G)`` is the gradient for the upstream ``G``."""

    section: str
    f_tex: str
    var_tex: str
    var: np.ndarray
    f: Callable
    grad_tex: str
    grad: Callable

    def checks(self):
        """The result of check_vjp at a random upstream G (G = 1 and also
        check_gradient, for a scalar f)."""
        out = np.asarray(self.f(self.var))
        G = UPSTREAM.standard_normal(out.shape) if out.ndim else 1.0
        grad = np.asarray(self.grad(G))
        assert grad.shape == self.var.shape, (self.f_tex, grad.shape)
        results = [mn.check_vjp(self.f, grad, self.var, G)]
        if out.ndim == 0:
            results.append(mn.check_gradient(self.f, grad, self.var))
        return results

    def out_shape(self):
        """The shape of f's output at the checked point."""
        return np.shape(self.f(self.var))


@dataclass(frozen=True)
class Differential:
    """A derivative as a linear map: ``df(V)`` is the change along ``V``."""

    section: str
    f_tex: str
    var: np.ndarray
    f: Callable
    df_tex: str
    df: Callable
    directions: int = 3

    def checks(self):
        """check_jacobian of t -> f(X + tV) at 0 against df(V)."""
        results = []
        for _ in range(self.directions):
            V = UPSTREAM.standard_normal(self.var.shape)
            results.append(mn.check_jacobian(
                lambda t: self.f(self.var + t * V), self.df(V), 0.0))
        return results


UPSTREAM = np.random.default_rng(7)   # upstream gradients and directions


def check(rows):
    """Check every row; return (number of checks, largest relative error).

    Raises AssertionError naming the first row whose derivative is wrong.
    """
    count, worst = 0, 0.0
    for row in rows:
        results = row.checks()
        assert all(results), (row.f_tex, [str(r) for r in results])
        count += len(results)
        worst = max(worst, *(r.max_rel_error for r in results))
    return count, worst


def section(name):
    """The rows of one section, in the order of the table."""
    rows = [row for row in ROWS if row.section == name]
    if not rows:
        raise ValueError(f"no section {name!r}; the sections are {SECTIONS}")
    return rows


def shape_text(shape):
    return " × ".join(str(s) for s in shape) if shape else "scalar"


def _table(header, lines):
    rule = "|" + "---|" * header.count("|", 1)
    return "\n".join([header, rule, *lines])


def derivative_table(rows):
    """Scalar rules: f and f'(x)."""
    return _table("| $f(x)$ | $f'(x)$ |",
                  [f"| {r.f_tex} | {r.num_tex} |" for r in rows])


def _function_cell(row):
    if row.var_tex == "$x$":
        return row.f_tex
    return f"{row.f_tex}<br>variable {row.var_tex}"


def jacobian_table(rows, last="denominator layout", first="$f$"):
    """Jacobians in both layouts, with the shapes of the checks."""
    lines = []
    for r in rows:
        shape = r.shape()
        lines.append(f"| {_function_cell(r)} "
                     f"| {r.num_tex}<br>({shape_text(shape)}) "
                     f"| {r.den_tex}<br>({shape_text(shape[::-1])}) |")
    header = (f"| {first} | numerator layout $\\partial f/\\partial x$ "
              f"| {last} |")
    return _table(header, lines)


def chain_table(rows):
    """The chain rules: the rule, then the product in both layouts."""
    return _table("| rule | numerator layout | denominator layout |",
                  [f"| {r.f_tex} | {r.num_tex} | {r.den_tex} |"
                   for r in rows])


def backward_table(rows):
    """Backward passes: forward, variable (shape), output shape, gradient."""
    header = ("| forward | variable (shape) | output shape "
              "| gradient $\\nabla_{\\text{variable}} L$, "
              "$G = \\nabla_{\\text{output}} L$ |")
    return _table(header, [
        f"| {r.f_tex} | {r.var_tex} ({shape_text(r.var.shape)}) "
        f"| {shape_text(r.out_shape())} | {r.grad_tex} |" for r in rows])


def differential_table(rows):
    header = "| $f$ | variable (shape) | differential $df = f'(X)[dX]$ |"
    return _table(header, [
        f"| {r.f_tex} | {shape_text(r.var.shape)} | {r.df_tex} |"
        for r in rows])


def table(name):
    """The Markdown table of one section, printed from its records."""
    rows = section(name)
    if name == "scalar":
        return derivative_table(rows)
    if name == "chain":
        return chain_table(rows)
    if name == "vector":
        scalar = [r for r in rows if r.shape()[0] == 1]
        vector = [r for r in rows if r.shape()[0] > 1]
        return ("**Vector-valued $f$**\n\n" + jacobian_table(vector)
                + "\n\n**Scalar $f$**\n\n"
                + jacobian_table(scalar, "denominator layout, "
                                 "the gradient $\\nabla_x f$"))
    if name == "differentials":
        return differential_table(rows)
    return backward_table(rows)


def symmetric_jacobians():
    """Names of the vector rows whose Jacobian is symmetric, and of those
    among them whose Jacobian is not diagonal."""
    symmetric, full = [], []
    for r in section("vector"):
        J = np.asarray(r.num(r.var))
        if J.shape[0] == J.shape[1] and np.allclose(J, J.T):
            formula = "$" + r.f_tex.split("$")[1] + "$"   # without the notes
            symmetric.append(formula)
            if not np.allclose(J, np.diag(np.diag(J))):
                full.append(formula)
    return list(dict.fromkeys(symmetric)), list(dict.fromkeys(full))


# ---------------------------------------------------------------------------
# The rows. Every array is drawn once from one generator: the checks run at
# random points, away from kinks (|x_i| >= 0.3) and poles (x > 0 for ln).

rng = np.random.default_rng(2024)
n, m = 4, 3
x = rng.choice([-1.0, 1.0], n) * rng.uniform(0.3, 1.5, n)
w = rng.standard_normal(n)
t = rng.standard_normal(n)
A = rng.standard_normal((n, n))
W = rng.standard_normal((m, n))
b_m = rng.standard_normal(m)
z = np.array([0.7])             # a scalar stored as a vector of length one
x1 = np.array([1.3])            # a positive number, for ln x and x^n
c = 2                           # a class index
lam = 0.5                       # the ridge penalty of chapter 1
power = 3                       # the exponent of x^n
b_neuron = 0.3                  # the bias of the neuron row
A_tall, b_tall = rng.standard_normal((6, n)), rng.standard_normal(6)
ones, eye, e_c = np.ones(n), np.eye(n), np.eye(n)[c]


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def neuron_slope(w_):
    """sigma'(w.x + b) of the neuron row, at its fixed x and b."""
    s = sigmoid(w_ @ x + b_neuron)
    return s * (1 - s)


def diag_of(fn):
    """The Jacobian diag(fn(x)) of an element-wise operation, as code."""
    return lambda v: np.diag(fn(v))


def row(fn):
    return lambda v: np.asarray(fn(v))[None, :]


def column(fn):
    return lambda v: np.asarray(fn(v))[:, None]


def _scalar(f_tex, f, d_tex, d):
    return Jacobian("scalar", f_tex, x1, f, d_tex, lambda v: d(v)[None, :])


SCALAR_ROWS = [
    _scalar(f"$x^{{{power}}}$", lambda v: v[0] ** power,
            f"${power} x^{{{power - 1}}}$",
            lambda v: power * v ** (power - 1)),
    _scalar(r"$e^{x}$", lambda v: np.exp(v[0]), r"$e^{x}$", np.exp),
    _scalar(r"$\ln x$ ($x > 0$)", lambda v: np.log(v[0]),
            r"$1/x$", lambda v: 1 / v),
    _scalar(r"$\sin x$", lambda v: np.sin(v[0]), r"$\cos x$", np.cos),
    _scalar(r"$\cos x$", lambda v: np.cos(v[0]),
            r"$-\sin x$", lambda v: -np.sin(v)),
    _scalar(r"$x^2 \sin x$ (product rule)", lambda v: v[0] ** 2 * np.sin(v[0]),
            r"$2x \sin x + x^2 \cos x$",
            lambda v: 2 * v * np.sin(v) + v ** 2 * np.cos(v)),
    _scalar(r"$\sin x / x$ (quotient rule)", lambda v: np.sin(v[0]) / v[0],
            r"$(x \cos x - \sin x)/x^2$",
            lambda v: (v * np.cos(v) - np.sin(v)) / v ** 2),
    _scalar(r"$\sigma(x) = 1/(1 + e^{-x})$", lambda v: sigmoid(v[0]),
            r"$\sigma(x)\,(1 - \sigma(x))$",
            lambda v: sigmoid(v) * (1 - sigmoid(v))),
    _scalar(r"$\tanh x$", lambda v: np.tanh(v[0]),
            r"$1 - \tanh^2 x$", lambda v: 1 - np.tanh(v) ** 2),
]

def _same(section_, f_tex, var, f, tex, J, var_tex="$x$"):
    """A row whose two layouts are the same matrix (a symmetric Jacobian)."""
    return Jacobian(section_, f_tex, var, f, tex, J, tex, J, var_tex)


VECTOR_ROWS = [
    Jacobian("vector", r"$Wx$", x, lambda v: W @ v,
             r"$W$", lambda v: W, r"$W^{\mathsf{T}}$", lambda v: W.T),
    Jacobian("vector", r"$Wx + b$", b_m, lambda v: W @ x + v,
             r"$I$", lambda v: np.eye(m), r"$I$", lambda v: np.eye(m),
             var_tex=r"$b$"),
    _same("vector", r"$x + w$", x, lambda v: v + w, r"$I$", lambda v: eye),
    _same("vector", r"$w - x$", x, lambda v: w - v, r"$-I$", lambda v: -eye),
    _same("vector", r"$w - x$", w, lambda v: v - x, r"$I$", lambda v: eye,
          var_tex=r"$w$"),
    _same("vector", r"$x \odot w$", x, lambda v: v * w,
          r"$\operatorname{diag}(w)$", diag_of(lambda v: w)),
    _same("vector", r"$w \oslash x$", x, lambda v: w / v,
          r"$\operatorname{diag}(-w \oslash (x \odot x))$",
          diag_of(lambda v: -w / (v * v))),
    _same("vector", r"$w \oslash x$", w, lambda v: v / x,
          r"$\operatorname{diag}(1 \oslash x)$", diag_of(lambda v: 1 / x),
          var_tex=r"$w$"),
    _same("vector", r"$\max(w, x)$ (no $x_i = w_i$)", x,
          lambda v: np.maximum(w, v),
          r"$\operatorname{diag}(\mathbb 1[x > w])$",
          diag_of(lambda v: (v > w) * 1.0)),
    Jacobian("vector", r"$x\,z$ (scalar expansion)", z, lambda s: x * s[0],
             r"$x$ (column)", column(lambda s: x),
             r"$x^{\mathsf{T}}$ (row)", row(lambda s: x),
             var_tex=r"$z\in\mathbb{R}$"),
    Jacobian("vector", r"$x + z$ (scalar expansion)", z, lambda s: x + s[0],
             r"$\mathbf 1$ (column)", column(lambda s: ones),
             r"$\mathbf 1^{\mathsf{T}}$ (row)", row(lambda s: ones),
             var_tex=r"$z\in\mathbb{R}$"),
    _same("vector", r"$\exp(x)$", x, np.exp,
          r"$\operatorname{diag}(\exp x)$", diag_of(np.exp)),
    _same("vector", r"$\tanh(x)$", x, np.tanh,
          r"$\operatorname{diag}(1 - \tanh^2 x)$",
          diag_of(lambda v: 1 - np.tanh(v) ** 2)),
    _same("vector", r"$\sigma(x)$", x, sigmoid,
          r"$\operatorname{diag}\big(\sigma(x) \odot (1-\sigma(x))\big)$",
          diag_of(lambda v: sigmoid(v) * (1 - sigmoid(v)))),
    _same("vector", r"$\max(0, x)$ (no $x_i = 0$)", x,
          lambda v: np.maximum(0, v),
          r"$\operatorname{diag}(\mathbb 1[x > 0])$",
          diag_of(lambda v: (v > 0) * 1.0)),
    Jacobian("vector", r"$\operatorname{cumsum}(x)$", x, np.cumsum,
             r"lower triangle of ones", lambda v: np.tril(np.ones((n, n))),
             r"upper triangle of ones", lambda v: np.triu(np.ones((n, n)))),
    Jacobian("vector", r"$s = \operatorname{softmax}(x)$", x, softmax,
             r"$\operatorname{diag}(s) - s s^{\mathsf{T}}$",
             lambda v: np.diag(softmax(v)) - np.outer(softmax(v), softmax(v)),
             r"$\operatorname{diag}(s) - s s^{\mathsf{T}}$ (symmetric)",
             lambda v: (np.diag(softmax(v))
                        - softmax(v)[:, None] * softmax(v)[None, :])),
    Jacobian("vector", r"$\tanh(Wx)$ (chain rule)", x,
             lambda v: np.tanh(W @ v),
             r"$\operatorname{diag}(1 - \tanh^2 Wx)\,W$",
             lambda v: np.diag(1 - np.tanh(W @ v) ** 2) @ W,
             r"$W^{\mathsf{T}} \operatorname{diag}(1 - \tanh^2 Wx)$",
             lambda v: W.T @ np.diag(1 - np.tanh(W @ v) ** 2)),
    Jacobian("vector", r"$\sum_i x_i$", x, np.sum,
             r"$\mathbf 1^{\mathsf{T}}$", row(lambda v: ones),
             r"$\mathbf 1$", column(lambda v: ones)),
    Jacobian("vector", r"$\sum_i (Wx)_i$", x, lambda v: np.sum(W @ v),
             r"$\mathbf 1^{\mathsf{T}} W$", row(lambda v: W.sum(axis=0)),
             r"$W^{\mathsf{T}} \mathbf 1$",
             column(lambda v: W.T @ np.ones(m))),
    Jacobian("vector", r"$w^{\mathsf{T}} x$", x, lambda v: w @ v,
             r"$w^{\mathsf{T}}$", row(lambda v: w),
             r"$w$", column(lambda v: w)),
    Jacobian("vector", r"$x^{\mathsf{T}} A x$", x, lambda v: v @ A @ v,
             r"$x^{\mathsf{T}}(A + A^{\mathsf{T}})$",
             row(lambda v: v @ (A + A.T)),
             r"$(A + A^{\mathsf{T}})\,x$", column(lambda v: (A + A.T) @ v)),
    Jacobian("vector", r"$\lVert x\rVert^2$", x, lambda v: v @ v,
             r"$2x^{\mathsf{T}}$", row(lambda v: 2 * v),
             r"$2x$", column(lambda v: 2 * v)),
    Jacobian("vector", r"$\tfrac12\lVert x - t\rVert^2$", x,
             lambda v: 0.5 * (v - t) @ (v - t),
             r"$(x - t)^{\mathsf{T}}$", row(lambda v: v - t),
             r"$x - t$", column(lambda v: v - t)),
    Jacobian("vector", r"$\lVert Ax - b\rVert^2$ (least squares)", x,
             lambda v: (A_tall @ v - b_tall) @ (A_tall @ v - b_tall),
             r"$2(Ax - b)^{\mathsf{T}} A$",
             row(lambda v: 2 * (A_tall @ v - b_tall) @ A_tall),
             r"$2A^{\mathsf{T}}(Ax - b)$",
             column(lambda v: 2 * A_tall.T @ (A_tall @ v - b_tall))),
    Jacobian("vector", r"$\lVert Ax - b\rVert^2 + \lambda \lVert x\rVert^2$"
             r" (ridge)", x,
             lambda v: ((A_tall @ v - b_tall) @ (A_tall @ v - b_tall)
                        + lam * v @ v),
             r"$2(Ax - b)^{\mathsf{T}} A + 2\lambda x^{\mathsf{T}}$",
             row(lambda v: 2 * (A_tall @ v - b_tall) @ A_tall + 2 * lam * v),
             r"$2A^{\mathsf{T}}(Ax - b) + 2\lambda x$",
             column(lambda v: 2 * A_tall.T @ (A_tall @ v - b_tall)
                    + 2 * lam * v)),
    Jacobian("vector", r"$\sigma(w^{\mathsf{T}} x + b)$ (a neuron)", w,
             lambda v: sigmoid(v @ x + b_neuron),
             r"$\sigma(1 - \sigma)\, x^{\mathsf{T}}$",
             row(lambda v: neuron_slope(v) * x),
             r"$\sigma(1 - \sigma)\, x$",
             column(lambda v: neuron_slope(v) * x),
             var_tex=r"$w$ ($x$, $b$ fixed)"),
    Jacobian("vector", r"$\log\sum_i e^{x_i}$", x,
             lambda v: np.log(np.exp(v).sum()),
             r"$\operatorname{softmax}(x)^{\mathsf{T}}$", row(softmax),
             r"$\operatorname{softmax}(x)$", column(softmax)),
    Jacobian("vector", r"$-\log \operatorname{softmax}(x)_c$", x,
             lambda v: -np.log(softmax(v)[c]),
             r"$(s - e_c)^{\mathsf{T}}$", row(lambda v: softmax(v) - e_c),
             r"$s - e_c$", column(lambda v: softmax(v) - e_c),
             var_tex=r"$x$, class $c$"),
]

# Gradients with respect to matrices: both batch conventions.
N, D_in, D_out = 5, 4, 3
Wd = rng.standard_normal((D_out, D_in))   # dimension-first, S = Wd @ Xd
Xd = rng.standard_normal((D_in, N))       # examples are columns
bd = rng.standard_normal((D_out, 1))
Ws = rng.standard_normal((D_in, D_out))   # sample-first, Y = Xs @ Ws + bs
Xs = rng.standard_normal((N, D_in))       # examples are rows
bs = rng.standard_normal(D_out)
xv = rng.standard_normal(D_in)
a, bv = rng.standard_normal(D_out), rng.standard_normal(D_in)
Am = rng.standard_normal((D_out, D_in))
Xm = rng.standard_normal((D_out, D_in))
Tt = rng.standard_normal((N, D_out))
labels = rng.integers(0, D_out, N)        # one class per example
Y1 = np.eye(D_out)[labels]                # ... one-hot, one row each
Sx = rng.standard_normal((N, D_out))      # scores, one row per example


def mean_cross_entropy(S):
    return -np.mean(np.log(ch08.softmax_rows(S)[np.arange(N), labels]))


def _sum_G(G):
    return G.sum(axis=1, keepdims=True)


MATRIX_ROWS = [
    Backward("matrix", r"$S = WX$", r"$W$", Wd, lambda W_: W_ @ Xd,
             r"$G X^{\mathsf{T}}$", lambda G: G @ Xd.T),
    Backward("matrix", r"$S = WX$", r"$X$", Xd, lambda X_: Wd @ X_,
             r"$W^{\mathsf{T}} G$", lambda G: Wd.T @ G),
    Backward("matrix", r"$S = WX + b\,\mathbf 1^{\mathsf{T}}$", r"$b$", bd,
             lambda b_: Wd @ Xd + b_,
             r"$G\,\mathbf 1$ (sum of $G$ over the examples, the columns)",
             _sum_G),
    Backward("matrix", r"$Y = XW + b$", r"$W$", Ws, lambda W_: Xs @ W_ + bs,
             r"$X^{\mathsf{T}} G$", lambda G: Xs.T @ G),
    Backward("matrix", r"$Y = XW + b$", r"$X$", Xs, lambda X_: X_ @ Ws + bs,
             r"$G W^{\mathsf{T}}$", lambda G: G @ Ws.T),
    Backward("matrix", r"$Y = XW + b$", r"$b$", bs, lambda b_: Xs @ Ws + b_,
             r"$G^{\mathsf{T}}\mathbf 1$ (sum of $G$ over the batch rows)",
             lambda G: G.sum(axis=0)),
    Backward("matrix", r"$y = Wx$", r"$W$", Wd, lambda W_: W_ @ xv,
             r"$g\,x^{\mathsf{T}}$ (outer product; $g = \nabla_y L$)",
             lambda g: np.outer(g, xv)),
    Backward("matrix", r"$s = \operatorname{softmax}(x)$", r"$x$", x,
             softmax,
             r"$s \odot (g - (g^{\mathsf{T}} s)\,\mathbf 1)$"
             r" ($g = \nabla_s L$)",
             lambda g: softmax(x) * (g - g @ softmax(x))),
    Backward("matrix", r"$Y = \tanh(X)$", r"$X$", Xs, np.tanh,
             r"$G \odot (1 - \tanh^2 X)$",
             lambda G: G * (1 - np.tanh(Xs) ** 2)),
    Backward("matrix", r"$Y = \max(0, X)$", r"$X$", Xs,
             lambda X_: np.maximum(X_, 0),
             r"$G \odot \mathbb 1[X > 0]$", lambda G: G * (Xs > 0)),
    Backward("matrix", r"$L = a^{\mathsf{T}} X b$", r"$X$", Xm,
             lambda X_: a @ X_ @ bv,
             r"$a\,b^{\mathsf{T}}$", lambda G: G * np.outer(a, bv)),
    Backward("matrix", r"$L = \operatorname{tr}(A^{\mathsf{T}} X)$", r"$X$",
             Xm, lambda X_: np.trace(Am.T @ X_),
             r"$A$", lambda G: G * Am),
    Backward("matrix", r"$L = \tfrac12\lVert X\rVert_F^2$", r"$X$", Xm,
             lambda X_: 0.5 * np.sum(X_ ** 2), r"$X$", lambda G: G * Xm),
    Backward("matrix", r"$L = \tfrac12\lVert XW - T\rVert_F^2$", r"$W$", Ws,
             lambda W_: 0.5 * np.sum((Xs @ W_ - Tt) ** 2),
             r"$X^{\mathsf{T}}(XW - T)$",
             lambda G: G * Xs.T @ (Xs @ Ws - Tt)),
    Backward("matrix", r"$L = -\frac1N \sum_i \log P_{i, c_i}$,"
             r" $P = \operatorname{softmax}_{\text{row}}(S)$", r"$S$", Sx,
             mean_cross_entropy,
             r"$(P - Y)/N$, $Y$ the one-hot rows of the classes $c_i$",
             lambda G: G * (ch08.softmax_rows(Sx) - Y1) / N),
]

# The chain rules, each on an example whose every factor is written out.
u_chain = np.tanh(W @ x)
J_outer = (np.diag(softmax(u_chain))           # d softmax / d u, m x m
           - np.outer(softmax(u_chain), softmax(u_chain)))
J_inner = np.diag(1 - u_chain ** 2) @ W        # d tanh(Wx) / dx, m x n

CHAIN_ROWS = [
    Jacobian("chain", r"single variable, $y = f(u)$, $u = g(x)$;"
             r" here $\sin(x^2)$", x1, lambda v: np.sin(v[0] ** 2),
             r"$\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$"
             r" $= \cos(x^2)\, 2x$",
             lambda v: (np.cos(v ** 2) * 2 * v)[None, :],
             "same (scalars)", lambda v: (np.cos(v ** 2) * 2 * v)[:, None]),
    Jacobian("chain", r"total derivative, $y = f(x, u_1(x), \dots, u_k(x))$;"
             r" here $x + u$, $u = x^2$", x1, lambda v: v[0] + v[0] ** 2,
             r"$\frac{dy}{dx} = \frac{\partial f}{\partial x}"
             r" + \sum_i \frac{\partial f}{\partial u_i}\frac{du_i}{dx}$"
             r" $= 1 + 2x$",
             lambda v: (1 + 2 * v)[None, :],
             "same (scalars)", lambda v: (1 + 2 * v)[:, None]),
    Jacobian("chain", r"vector, $y = f(g(x))$; here"
             r" $\operatorname{softmax}(\tanh(Wx))$", x,
             lambda v: softmax(np.tanh(W @ v)),
             r"$\frac{\partial f}{\partial g}\frac{\partial g}{\partial x}$,"
             r" $(m\times k)(k\times n)$",
             lambda v: J_outer @ J_inner,
             r"$\big(\frac{\partial g}{\partial x}\big)^{\mathsf{T}}"
             r"\big(\frac{\partial f}{\partial g}\big)^{\mathsf{T}}$,"
             r" $(n\times k)(k\times m)$",
             lambda v: J_inner.T @ J_outer.T),
]

# The layers of chapter 8.
Nl, Dl, Tl, dk = 5, 4, 6, 3
Xl = rng.standard_normal((Nl, Dl))
gl, bl = rng.standard_normal(Dl), rng.standard_normal(Dl)
a_col = rng.standard_normal((Dl, 1))
E_tab, idx = rng.standard_normal((Nl, Dl)), np.array([2, 0, 2, 4, 2, 1])
Xc = rng.standard_normal((2, 2, 5, 5))
Wc, bc = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
Ql, Kl, Vl = (rng.standard_normal((Tl, dk)) for _ in range(3))


def scatter_add(G):
    out = np.zeros_like(E_tab)
    np.add.at(out, idx, G)
    return out


def norm(x_, axis, g_=gl, b_=bl):
    return ch08.normalize_forward(x_, g_, b_, axis)[0]


def norm_dx(G, axis):
    """The closed form of the normalisation's input gradient."""
    k = Xl.shape[axis]
    root = np.sqrt(Xl.var(axis=axis, keepdims=True) + 1e-5)
    xhat = (Xl - Xl.mean(axis=axis, keepdims=True)) / root
    Gh = G * gl
    return (k * Gh - Gh.sum(axis=axis, keepdims=True)
            - xhat * (Gh * xhat).sum(axis=axis, keepdims=True)) / (k * root)


xhat_bn = (Xl - Xl.mean(axis=0)) / np.sqrt(Xl.var(axis=0) + 1e-5)


def conv(x_, w_, b_):
    return ch08.conv2d_forward(x_, w_, b_, 1, 1)[0]


def rows_of(G):
    """G with one row per output position."""
    return G.transpose(0, 2, 3, 1).reshape(-1, Wc.shape[0])


def attention_dS(G):
    P = ch08.softmax_rows(Ql @ Kl.T / np.sqrt(dk))
    dP = G @ Vl.T
    return P * (dP - (P * dP).sum(axis=1, keepdims=True))


def attend(q, k, v):
    return ch08.attention_forward(q, k, v)[0]


_CONV = "convolution, stride 1, padding 1"
_ATTENTION = r"$O = PV$, attention"

LAYER_ROWS = [
    Backward("layers", r"$Y = a$ broadcast to $Y$'s shape", r"$a$", a_col,
             lambda a_: a_ + np.zeros((2, Dl, 3)),
             r"$G$ summed over the added and the stretched axes",
             lambda G: G.sum(axis=(0, 2), keepdims=True)[0]),
    Backward("layers", r"$Y = E[i]$ (gather)", r"$E$", E_tab,
             lambda E_: E_[idx],
             r"scatter-add: row $k$ is $\sum_{t:\, i_t = k} G_t$",
             scatter_add),
    Backward("layers", "batch norm", r"$X$", Xl, lambda x_: norm(x_, 0),
             r"$\frac{1}{N r}\big(N \hat G - \sum_i \hat G_i"
             r" - \hat X \odot \sum_i \hat G_i \odot \hat X_i\big)$",
             lambda G: norm_dx(G, 0)),
    Backward("layers", "batch norm", r"$\gamma$", gl,
             lambda g_: norm(Xl, 0, g_=g_),
             r"$\sum_i G_i \odot \hat X_i$",
             lambda G: (G * xhat_bn).sum(axis=0)),
    Backward("layers", "batch norm", r"$\beta$", bl,
             lambda b_: norm(Xl, 0, b_=b_),
             r"$\sum_i G_i$", lambda G: G.sum(axis=0)),
    Backward("layers", "layer norm", r"$X$", Xl, lambda x_: norm(x_, -1),
             r"the batch-norm formula with the sums over each row"
             r" and $D$ for $N$", lambda G: norm_dx(G, -1)),
    Backward("layers", _CONV, r"$W$", Wc, lambda w_: conv(Xc, w_, bc),
             r"$G_{\text{rows}}^{\mathsf{T}} X_{\text{cols}}$,"
             r" reshaped like $W$",
             lambda G: (rows_of(G).T @ ch08.im2col(Xc, 3, 3, 1, 1)).reshape(
                 Wc.shape)),
    Backward("layers", _CONV, r"$X$", Xc, lambda x_: conv(x_, Wc, bc),
             r"$\operatorname{col2im}(G_{\text{rows}} W_{\text{flat}})$:"
             r" a transposed convolution with the flipped kernel",
             lambda G: ch08.col2im(rows_of(G) @ Wc.reshape(3, -1), Xc.shape,
                                   3, 3, 1, 1)),
    Backward("layers", _CONV, r"$b$", bc, lambda b_: conv(Xc, Wc, b_),
             r"$G$ summed over the batch and every position",
             lambda G: G.sum(axis=(0, 2, 3))),
    Backward("layers", _ATTENTION, r"$Q$", Ql, lambda q: attend(q, Kl, Vl),
             r"$\nabla_S L\, K/\sqrt d$",
             lambda G: attention_dS(G) @ Kl / np.sqrt(dk)),
    Backward("layers", _ATTENTION, r"$K$", Kl, lambda k: attend(Ql, k, Vl),
             r"$(\nabla_S L)^{\mathsf{T}} Q/\sqrt d$",
             lambda G: attention_dS(G).T @ Ql / np.sqrt(dk)),
    Backward("layers", _ATTENTION, r"$V$", Vl, lambda v: attend(Ql, Kl, v),
             r"$P^{\mathsf{T}} G$",
             lambda G: ch08.softmax_rows(Ql @ Kl.T / np.sqrt(dk)).T @ G),
]

# Chapter 9: derivatives as linear maps.
X9 = rng.standard_normal((3, 3)) + 3 * np.eye(3)   # invertible, det > 0
X9_inv = np.linalg.inv(X9)
B9, C9 = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
S9 = rng.standard_normal((3, 3))                     # square, not symmetric
A9, b9 = rng.standard_normal((4, 4)), rng.standard_normal(4)
x9 = np.linalg.solve(A9, b9)
A9_tall, b9_tall = rng.standard_normal((6, 3)), rng.standard_normal(6)
F9 = rng.standard_normal((8, 3))                     # logistic regression
s9 = rng.choice([-1.0, 1.0], 8)                      # labels +-1
theta9 = rng.standard_normal(3)


def lstsq(A_, b_):
    return np.linalg.lstsq(A_, b_, rcond=None)[0]


x9_hat = lstsq(A9_tall, b9_tall)
r9 = b9_tall - A9_tall @ x9_hat


def vec(M):
    """Stack the columns of M (column-major, as in the vec of maths)."""
    return M.reshape(-1, order="F")


def unvec(v_, shape):
    return v_.reshape(shape, order="F")


def logistic_loss(theta_):
    return np.mean(np.log(1 + np.exp(-s9 * (F9 @ theta_))))


def logistic_grad(theta_):
    return -(F9.T @ (s9 * sigmoid(-s9 * (F9 @ theta_)))) / len(s9)


def logistic_hvp(v_):
    p = sigmoid(s9 * (F9 @ theta9))
    return F9.T @ (p * (1 - p) * (F9 @ v_)) / len(s9)


def lstsq_dA(G):
    u_ = np.linalg.solve(A9_tall.T @ A9_tall, G)
    return np.outer(r9, u_) - np.outer(A9_tall @ u_, x9_hat)


def _d(f_tex, f, df_tex, df, var=X9):
    return Differential("differentials", f_tex, var, f, df_tex, df)


DIFFERENTIAL_ROWS = [
    _d(r"$X^2$", lambda M: M @ M, r"$dX\,X + X\,dX$",
       lambda V: V @ X9 + X9 @ V),
    _d(r"$X^{\mathsf{T}} S X$", lambda M: M.T @ S9 @ M,
       r"$dX^{\mathsf{T}} S X + X^{\mathsf{T}} S\,dX$",
       lambda V: V.T @ S9 @ X9 + X9.T @ S9 @ V),
    _d(r"$X^{-1}$", np.linalg.inv, r"$-X^{-1}\,dX\,X^{-1}$",
       lambda V: -X9_inv @ V @ X9_inv),
    _d(r"$\det X$", np.linalg.det,
       r"$\det X\,\operatorname{tr}(X^{-1} dX)$",
       lambda V: np.linalg.det(X9) * np.trace(X9_inv @ V)),
    _d(r"$\log\lvert\det X\rvert$", lambda M: np.linalg.slogdet(M)[1],
       r"$\operatorname{tr}(X^{-1} dX)$", lambda V: np.trace(X9_inv @ V)),
    _d(r"$\operatorname{vec}(BXC)$, of $\operatorname{vec} X$",
       lambda v_: vec(B9 @ unvec(v_, X9.shape) @ C9),
       r"$(C^{\mathsf{T}} \otimes B)\operatorname{vec}(dX)$",
       lambda v_: np.kron(C9.T, B9) @ v_, var=vec(X9)),
    _d(r"$\operatorname{ravel}(BXC)$, of $\operatorname{ravel} X$",
       lambda v_: (B9 @ v_.reshape(X9.shape) @ C9).ravel(),
       r"$(B \otimes C^{\mathsf{T}})\operatorname{ravel}(dX)$",
       lambda v_: np.kron(B9, C9.T) @ v_, var=X9.ravel()),
    _d(r"$x = A^{-1} b$, of $A$", lambda M: np.linalg.solve(M, b9),
       r"$-A^{-1}\,dA\,x$", lambda V: -np.linalg.solve(A9, V @ x9), var=A9),
]

_SOLVE, _LSTSQ = r"$x = A^{-1} b$ (solve)", r"$\hat x$, least squares"

LINEAR_MAP_ROWS = [
    Backward("linear maps", r"$Y = X^{-1}$", r"$X$", X9, np.linalg.inv,
             r"$-X^{-\mathsf{T}} G X^{-\mathsf{T}}$",
             lambda G: -X9_inv.T @ G @ X9_inv.T),
    Backward("linear maps", r"$Y = X^{\mathsf{T}} S X$", r"$X$", X9,
             lambda M: M.T @ S9 @ M,
             r"$S X G^{\mathsf{T}} + S^{\mathsf{T}} X G$",
             lambda G: S9 @ X9 @ G.T + S9.T @ X9 @ G),
    Backward("linear maps", r"$L = \det X$", r"$X$", X9, np.linalg.det,
             r"$\det(X)\,X^{-\mathsf{T}}$",
             lambda G: G * np.linalg.det(X9) * X9_inv.T),
    Backward("linear maps", r"$L = \log\lvert\det X\rvert$", r"$X$", X9,
             lambda M: np.linalg.slogdet(M)[1],
             r"$X^{-\mathsf{T}}$", lambda G: G * X9_inv.T),
    Backward("linear maps", r"$L = \operatorname{tr}(BXC)$", r"$X$", X9,
             lambda M: np.trace(B9 @ M @ C9),
             r"$B^{\mathsf{T}} C^{\mathsf{T}}$", lambda G: G * B9.T @ C9.T),
    Backward("linear maps", _SOLVE, r"$b$", b9,
             lambda b_: np.linalg.solve(A9, b_),
             r"$A^{-\mathsf{T}} G$ (one solve with $A^{\mathsf{T}}$)",
             lambda G: np.linalg.solve(A9.T, G)),
    Backward("linear maps", _SOLVE, r"$A$", A9,
             lambda A_: np.linalg.solve(A_, b9),
             r"$-(A^{-\mathsf{T}} G)\, x^{\mathsf{T}}$",
             lambda G: -np.outer(np.linalg.solve(A9.T, G), x9)),
    Backward("linear maps", _LSTSQ, r"$b$", b9_tall,
             lambda b_: lstsq(A9_tall, b_), r"$A u$",
             lambda G: A9_tall @ np.linalg.solve(A9_tall.T @ A9_tall, G)),
    Backward("linear maps", _LSTSQ, r"$A$", A9_tall,
             lambda A_: lstsq(A_, b9_tall),
             r"$r u^{\mathsf{T}} - A u\,\hat x^{\mathsf{T}}$", lstsq_dA),
    Backward("linear maps", r"$L = \frac1N \sum_i \log(1 + e^{-s_i f_i"
             r"^{\mathsf{T}} \theta})$ (logistic)", r"$\theta$", theta9,
             logistic_loss,
             r"$-\frac1N F^{\mathsf{T}} \big(s \odot"
             r" \sigma(-s \odot F\theta)\big)$",
             lambda G: G * logistic_grad(theta9)),
    Backward("linear maps", r"$\nabla L$ of the logistic loss, Hessian",
             r"$\theta$", theta9, logistic_grad,
             r"$H G = \frac1N F^{\mathsf{T}} \big(p \odot (1 - p)"
             r" \odot F G\big)$, $p = \sigma(s \odot F\theta)$",
             logistic_hvp),
    Backward("linear maps", r"$\nabla(\tfrac12 x^{\mathsf{T}} S x)$, Hessian",
             r"$x$", b9[:3], lambda x_: 0.5 * (S9 + S9.T) @ x_,
             r"$H G = \tfrac12 (S + S^{\mathsf{T}})\, G$",
             lambda G: 0.5 * (S9 + S9.T) @ G),
    Backward("linear maps", r"$\nabla \log\lvert\det X\rvert"
             r" = X^{-\mathsf{T}}$, Hessian", r"$X$", X9,
             lambda M: np.linalg.inv(M).T,
             r"$H[G] = -X^{-\mathsf{T}} G^{\mathsf{T}} X^{-\mathsf{T}}$",
             lambda G: -X9_inv.T @ G.T @ X9_inv.T),
]

# Chapter 10: through time.
Ht, Dt, T_steps = 3, 2, 4
ht_prev, xt = rng.standard_normal(Ht), rng.standard_normal(Dt)
Wht, Wxt = rng.standard_normal((Ht, Ht)) / 2, rng.standard_normal((Ht, Dt))
bt = rng.standard_normal(Ht)
xs_t = rng.standard_normal((T_steps, Dt))
gate_i, gate_f = (ch10.sigmoid(rng.standard_normal(Ht)) for _ in range(2))
cand_t, c_prev_t = np.tanh(rng.standard_normal(Ht)), rng.standard_normal(Ht)
keep_t, X_pool = 0.7, rng.standard_normal((1, 2, 4, 4))
mask_t = rng.random((Nl, Dl)) < keep_t
pool_cache = ch10.maxpool_forward(X_pool)[1]


def step(h_, W_=Wht):
    return np.tanh(W_ @ h_ + Wxt @ xt + bt)


def da_step(G):
    return G * (1 - step(ht_prev) ** 2)


def sequence(h0_=ht_prev, W_=Wht):
    return ch10.rnn_forward(xs_t, h0_, W_, Wxt, bt)[0]


def bptt(G, name):
    cache = ch10.rnn_forward(xs_t, ht_prev, Wht, Wxt, bt)[1]
    return ch10.rnn_backward(G, cache)[name]


_STEP = r"$h = \tanh(W_h h_{\text{prev}} + W_x x + b)$"
_SEQUENCE = r"$h_1, \dots, h_T$ of a recurrent network"
_LSTM = r"$c = f \odot c_{\text{prev}} + i \odot \tilde c$ (LSTM cell)"

TIME_ROWS = [
    Backward("time", _STEP, r"$h_{\text{prev}}$", ht_prev, step,
             r"$W_h^{\mathsf{T}} \big(G \odot (1 - h \odot h)\big)$",
             lambda G: Wht.T @ da_step(G)),
    Backward("time", _STEP, r"$W_h$", Wht, lambda W_: step(ht_prev, W_),
             r"$\big(G \odot (1 - h \odot h)\big)\,"
             r" h_{\text{prev}}^{\mathsf{T}}$",
             lambda G: np.outer(da_step(G), ht_prev)),
    Backward("time", _SEQUENCE, r"$W_h$", Wht, lambda W_: sequence(W_=W_),
             r"$\sum_t \nabla_{a_t} L\, h_{t-1}^{\mathsf{T}}$ (BPTT)",
             lambda G: bptt(G, "Wh")),
    Backward("time", _SEQUENCE, r"$h_0$", ht_prev,
             lambda h_: sequence(h0_=h_),
             r"$W_h^{\mathsf{T}} \nabla_{a_1} L$ (BPTT)",
             lambda G: bptt(G, "h0")),
    Backward("time", _LSTM, r"$c_{\text{prev}}$", c_prev_t,
             lambda c_: gate_f * c_ + gate_i * cand_t,
             r"$f \odot G$", lambda G: gate_f * G),
    Backward("time", _LSTM, r"$f$", gate_f,
             lambda f_: f_ * c_prev_t + gate_i * cand_t,
             r"$c_{\text{prev}} \odot G$", lambda G: c_prev_t * G),
    Backward("time", _LSTM, r"$i$", gate_i,
             lambda i_: gate_f * c_prev_t + i_ * cand_t,
             r"$\tilde c \odot G$", lambda G: cand_t * G),
    Backward("time", r"$Y = r \odot X / p$ (dropout, mask $r$ fixed)",
             r"$X$", Xl, lambda X_: mask_t * X_ / keep_t,
             r"$r \odot G / p$", lambda G: mask_t * G / keep_t),
    Backward("time", r"max-pooling over `2 x 2` windows", r"$X$", X_pool,
             lambda X_: ch10.maxpool_forward(X_)[0],
             "each window's $G$ routed to its largest entry",
             lambda G: ch10.maxpool_backward(G, pool_cache)),
]

ROWS = (SCALAR_ROWS + VECTOR_ROWS + MATRIX_ROWS + CHAIN_ROWS + LAYER_ROWS
        + DIFFERENTIAL_ROWS + LINEAR_MAP_ROWS + TIME_ROWS)
SECTIONS = list(dict.fromkeys(r.section for r in ROWS))


def find(f_tex):
    """The first row whose function is written ``f_tex``."""
    for r in ROWS:
        if r.f_tex == f_tex:
            return r
    raise ValueError(f"no row has the function {f_tex!r}")


def definition(row_):
    """The lines of this module that define one row: its TeX and its code."""
    lines = inspect.getsource(sys.modules[__name__]).splitlines()
    written_here = [getattr(row_, name, None)
                    for name in ("f", "num", "den", "grad", "df")]
    code = next((fn for fn in written_here
                 if getattr(fn, "__qualname__", "") == "<lambda>"), None)
    if code is None:
        raise ValueError(f"the row of {row_.f_tex} has no code of its own")
    at = code.__code__.co_firstlineno - 1
    start = next(i for i in range(at, -1, -1)
                 if lines[i].startswith("    ") and lines[i][4] != " ")
    depth, end = 0, start
    for end in range(start, len(lines)):
        depth += lines[end].count("(") - lines[end].count(")")
        if depth <= 0:
            break
    return "\n".join(line[4:] for line in lines[start:end + 1]).rstrip(",")


def report(name, tolerance):
    """Check one section; say how many checks passed, below ``tolerance``."""
    count, worst = check(section(name))
    assert worst < tolerance, (name, worst)
    return (f"{len(section(name))} rows, {count} checks passed;"
            f" largest relative error below 1e{round(np.log10(tolerance))}")
