"""The tracer's array operations (reductions over axes, softmax, sqrt, reshape, transpose,
indexing, take, pad): each backward against mathnotes.check_vjp on several shapes, the
scatter-add of repeated indices, bad arguments, and the layers of chapter 8 built from them."""

import numpy as np
import pytest

import mathnotes as mn
from mathnotes import Value


def rand(*shape, seed=1, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def distinct(*shape, seed=1):
    """Entries far apart from each other (no ties, no kinks for max)."""
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape) * 0.5 - size / 4


def backward_of(build, x, upstream):
    v = Value(x)
    out = build(v)
    out.backward(upstream)
    return out, v.grad


def assert_vjp(build, x, seed=0):
    """The tracer's gradient of sum(upstream * build(x)) passes check_vjp."""
    upstream = np.random.default_rng(seed).standard_normal(build(Value(x)).shape)
    _, grad = backward_of(build, x, upstream)
    assert grad.shape == np.shape(x)
    result = mn.check_vjp(lambda a: build(Value(a)).data, grad, x, upstream)
    assert result, repr(result)


CASES = {
    "sum_all_keepdims": (lambda v: v.sum(keepdims=True), rand(3, 4)),
    "sum_axis1_keepdims": (lambda v: v.sum(axis=1, keepdims=True), rand(3, 4)),
    "sum_axes_keepdims": (lambda v: v.sum(axis=(0, 2), keepdims=True), rand(2, 3, 4)),
    "sum_negative_axes": (lambda v: v.sum(axis=(-1, -3)), rand(2, 3, 4)),
    "sum_scalar": (lambda v: v.sum(), rand()),
    "mean_axis1": (lambda v: v.mean(axis=1), rand(3, 4)),
    "mean_axes": (lambda v: v.mean(axis=(0, 2)), rand(2, 3, 4)),
    "mean_keepdims": (lambda v: v.mean(axis=0, keepdims=True), rand(5, 3)),
    "mean_all_keepdims": (lambda v: v.mean(keepdims=True), rand(2, 3, 4)),
    "max_all": (lambda v: v.max(), distinct(3, 4)),
    "max_axis0": (lambda v: v.max(axis=0), distinct(3, 4)),
    "max_axis_neg_keepdims": (lambda v: v.max(axis=-1, keepdims=True), distinct(2, 3, 4)),
    "max_axes": (lambda v: v.max(axis=(0, 2)), distinct(2, 3, 4)),
    "softmax_last": (lambda v: v.softmax(), rand(3, 4)),
    "softmax_axis0": (lambda v: v.softmax(axis=0), rand(3, 4)),
    "softmax_3d": (lambda v: v.softmax(axis=1), rand(2, 3, 4)),
    "softmax_1d": (lambda v: v.softmax(), rand(5)),
    "softmax_large": (lambda v: v.softmax(), rand(2, 3) * 300),
    "sqrt": (lambda v: v.sqrt(), rand(3, 4, low=0.5, high=3.0)),
    "reshape_args": (lambda v: v.reshape(4, 3), rand(3, 4)),
    "reshape_tuple_infer": (lambda v: v.reshape((2, -1)), rand(2, 3, 2)),
    "reshape_to_scalar": (lambda v: v.reshape(()), rand(1, 1)),
    "transpose_default": (lambda v: v.transpose(), rand(2, 3, 4)),
    "transpose_axes": (lambda v: v.transpose(1, 2, 0), rand(2, 3, 4)),
    "transpose_tuple_neg": (lambda v: v.transpose((0, -1, 1)), rand(2, 3, 4)),
    "T_3d": (lambda v: v.T, rand(2, 3, 4)),
    "index_int": (lambda v: v[1], rand(3, 4)),
    "index_negative": (lambda v: v[-1, -2], rand(3, 4)),
    "index_slices": (lambda v: v[1:, ::2], rand(3, 5)),
    "index_ellipsis_newaxis": (lambda v: v[..., None, 1], rand(2, 3, 4)),
    "index_repeated": (lambda v: v[[0, 2, 0, 0]], rand(3, 4)),
    "index_2d_array": (lambda v: v[np.array([[1, 1], [0, 2]])], rand(3, 4)),
    "index_pairs_repeated": (lambda v: v[[0, 1, 0], [2, 2, 2]], rand(3, 4)),
    "index_slice_and_arrays": (lambda v: v[:, :, [0, 1, 1], [2, 2, 0]], rand(2, 2, 3, 3)),
    "index_boolean": (lambda v: v[np.array([True, False, True])], rand(3, 4)),
    "take_axis0": (lambda v: v.take([3, 1, 3]), rand(4, 2)),
    "take_axis1_2d": (lambda v: v.take(np.array([[0, 0], [2, 1]]), axis=1), rand(2, 3, 2)),
    "take_negative_axis": (lambda v: v.take([-1, 0], axis=-1), rand(3, 4)),
    "pad_int": (lambda v: v.pad(1), rand(2, 3)),
    "pad_per_axis": (lambda v: v.pad(((0, 0), (0, 0), (1, 2), (2, 0))), rand(2, 1, 3, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_backward_passes_check_vjp(name):
    build, x = CASES[name]
    assert_vjp(build, x)


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_matches_numpy(name):
    build, x = CASES[name]
    out = build(Value(x))
    reference = build(_NumpyStandIn(x))  # the same case computed by NumPy on the array itself
    assert out.shape == np.shape(reference)
    np.testing.assert_allclose(out.data, reference, rtol=1e-12, atol=0)


class _NumpyStandIn:
    """An ndarray with the tracer's method names, to compute each case's forward with NumPy."""

    def __init__(self, a):
        self.a = np.asarray(a, dtype=float)

    def sum(self, axis=None, keepdims=False):
        return self.a.sum(axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return self.a.mean(axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return self.a.max(axis=axis, keepdims=keepdims)

    def softmax(self, axis=-1):
        e = np.exp(self.a - self.a.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def sqrt(self):
        return np.sqrt(self.a)

    def reshape(self, *shape):
        return self.a.reshape(*shape)

    def transpose(self, *axes):
        return self.a.transpose(*axes)

    @property
    def T(self):
        return self.a.T

    def __getitem__(self, index):
        return self.a[index]

    def take(self, indices, axis=0):
        return self.a.take(indices, axis=axis)

    def pad(self, width):
        return np.pad(self.a, width)


def test_repeated_indices_add_up():
    table = rand(4, 3)
    ids = np.array([2, 0, 2, 2])
    upstream = rand(4, 3, seed=5)
    for build in (lambda v: v[ids], lambda v: v.take(ids)):
        _, grad = backward_of(build, table, upstream)
        expected = np.zeros((4, 3))
        for row, i in enumerate(ids):
            expected[i] += upstream[row]
        np.testing.assert_allclose(grad, expected)
    # the classic bug: fancy-index assignment keeps only one of the three rows for index 2,
    # and the check the tests above rely on catches it
    lost = np.zeros((4, 3))
    lost[ids] += upstream
    assert not np.allclose(lost, expected)
    assert not mn.check_vjp(lambda a: a[ids], lost, table, upstream)
    assert mn.check_vjp(lambda a: a[ids], expected, table, upstream)


def test_a_later_change_to_the_index_array_does_not_change_the_backward():
    ids = np.array([0, 0, 1])
    v = Value(rand(3, 2))
    out = v[ids]
    ids[:] = 2
    out.backward(np.ones((3, 2)))
    np.testing.assert_array_equal(v.grad, [[2, 2], [1, 1], [0, 0]])


def test_max_shares_the_gradient_between_ties():
    v = Value(np.array([[1.0, 4.0, 4.0, 4.0], [0.0, -1.0, 2.0, 2.0]]))
    v.max(axis=1).backward(np.array([3.0, 1.0]))
    np.testing.assert_allclose(v.grad, [[0, 1, 1, 1], [0, 0, 0.5, 0.5]])


def test_softmax_slices_sum_to_one_and_backward_of_a_constant_is_zero():
    v = Value(rand(3, 4))
    s = v.softmax(axis=0)
    np.testing.assert_allclose(s.data.sum(axis=0), np.ones(4))
    s.backward(np.ones((3, 4)))  # the sum of each slice is constant, so its gradient vanishes
    np.testing.assert_allclose(v.grad, 0.0, atol=1e-15)


def test_new_operations_are_named_for_drawings():
    v = Value(rand(2, 3, low=0.5))
    ops = [v.sum(axis=0), v.mean(keepdims=True), v.max(), v.softmax(), v.sqrt(), v.reshape(3, 2),
           v.transpose(), v.T, v[0], v.take([1]), v.pad(1)]
    assert [o.op for o in ops] == ["sum", "mean", "max", "softmax", "sqrt", "reshape",
                                   "transpose", "T", "[]", "take", "pad"]
    assert all(o.inputs == (v,) for o in ops)


def test_outputs_do_not_share_memory_with_inputs():
    v = Value(rand(3, 4))
    for out in (v.reshape(4, 3), v.T, v.transpose(), v[1:], v[:, 0]):
        assert not np.shares_memory(out.data, v.data)


BAD = [
    (lambda v: v.sum(axis=2), ValueError, r"sum: axis 2 is out of range.*2 axes"),
    (lambda v: v.mean(axis=1.0), TypeError, r"mean: axis must be None, an int or a tuple of ints, got float"),
    (lambda v: v.sum(axis=(0, -2)), ValueError, r"sum: .*names an axis twice"),
    (lambda v: v.sum(axis="rows"), TypeError, r"sum: axis must be an int"),
    (lambda v: v.max(axis=(0, 5)), ValueError, r"max: axis 5 is out of range"),
    (lambda v: v.softmax(axis=(0, 1)), TypeError, r"softmax: axis must be an int"),
    (lambda v: v.softmax(axis=-3), ValueError, r"softmax: axis -3 is out of range"),
    (lambda v: v.reshape(4, 2), ValueError, r"reshape: cannot put 6 entries .*\(2, 3\).*\(4, 2\)"),
    (lambda v: v.reshape(-1, -1), ValueError, r"reshape: .*at most one -1"),
    (lambda v: v.reshape(2.0, 3), TypeError, r"reshape: every entry of the shape must be an int"),
    (lambda v: v.transpose(0, 0), ValueError, r"transpose: axes \(0, 0\) must name each"),
    (lambda v: v.transpose(0, 2), ValueError, r"transpose: axis 2 is out of range for an array with 2 axes"),
    (lambda v: v.transpose(0), ValueError, r"transpose: axes \(0,\) must name each of the 2"),
    (lambda v: v[5], IndexError, r"\[\]: .*out of bounds.*shape \(2, 3\)"),
    (lambda v: v[[0, 2]], IndexError, r"\[\]: .*out of bounds"),
    (lambda v: v[np.array([0.0, 1.0])], TypeError, r"indexing: an index array must hold integers"),
    (lambda v: v[Value(1.0)], TypeError, r"indexing: .*not a Value"),
    (lambda v: v.take([0.5]), TypeError, r"take: indices must be integers"),
    (lambda v: v.take([3], axis=1), IndexError, r"take: .*out of bounds"),
    (lambda v: v.take([0], axis=2), ValueError, r"take: axis 2 is out of range"),
    (lambda v: v.pad(-1), ValueError, r"pad: pad_width must not be negative"),
    (lambda v: v.pad(((1, 1), (1, 1), (1, 1))), ValueError, r"pad: pad_width .* each of the 2 axes"),
    (lambda v: v.pad(0.5), TypeError, r"pad: pad_width must hold ints"),
    (lambda v: (v - 1.0).sqrt(), ValueError, r"sqrt: every entry must be positive.*add a small"),
]


@pytest.mark.parametrize("build, error, message", BAD)
def test_bad_arguments_raise_a_clear_error(build, error, message):
    with pytest.raises(error, match=message):
        build(Value(np.arange(6.0).reshape(2, 3)))


def test_max_of_an_empty_array_is_refused():
    with pytest.raises(ValueError, match="max: the array of shape \\(0,\\) is empty"):
        Value(np.zeros(0)).max()


# ---- the layers of chapter 8, built from tracer operations, against their closed forms

def test_batch_norm_from_tracer_operations_matches_the_closed_form():
    x, gamma, beta = rand(6, 4), rand(4, seed=2), rand(4, seed=3)
    eps = 1e-5
    upstream = rand(6, 4, seed=4)

    def batch_norm(xv, gv=gamma, bv=beta):
        mu = xv.mean(axis=0)
        centred = xv - mu
        var = (centred**2).mean(axis=0)
        return centred / (var + eps).sqrt() * gv + bv

    xv, gv, bv = Value(x), Value(gamma), Value(beta)
    batch_norm(xv, gv, bv).backward(upstream)
    x_hat = (x - x.mean(0)) / np.sqrt(x.var(0) + eps)
    dx_hat = upstream * gamma
    dx = (dx_hat - dx_hat.mean(0) - x_hat * (dx_hat * x_hat).mean(0)) / np.sqrt(x.var(0) + eps)
    np.testing.assert_allclose(xv.grad, dx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gv.grad, (upstream * x_hat).sum(0), rtol=1e-12)
    np.testing.assert_allclose(bv.grad, upstream.sum(0), rtol=1e-12)
    assert mn.check_vjp(lambda a: batch_norm(Value(a)).data, xv.grad, x, upstream)


def test_layer_norm_from_tracer_operations_passes_check_vjp():
    def layer_norm(xv):
        centred = xv - xv.mean(axis=-1, keepdims=True)
        return centred / ((centred**2).mean(axis=-1, keepdims=True) + 1e-5).sqrt()

    assert_vjp(layer_norm, rand(3, 5))


def _conv_naive(x, w, stride, pad):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, _, h, width = x.shape
    f, _, k, _ = w.shape
    out_h, out_w = (h - k) // stride + 1, (width - k) // stride + 1
    out = np.zeros((n, f, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return out


def _conv_traced(xv, wv, stride, pad):
    """im2col from tracer operations: pad, gather the patches, one matrix product, reshape."""
    n, c, h, width = xv.shape
    f, _, k, _ = wv.shape
    out_h, out_w = (h + 2 * pad - k) // stride + 1, (width + 2 * pad - k) // stride + 1
    di, dj = np.divmod(np.arange(k * k), k)  # offsets inside a patch
    oi, oj = np.divmod(np.arange(out_h * out_w), out_w)  # top-left corner of each patch
    rows = di[:, None] + stride * oi[None, :]  # (k*k, L)
    cols = dj[:, None] + stride * oj[None, :]
    patches = xv.pad(((0, 0), (0, 0), (pad, pad), (pad, pad)))[:, :, rows, cols]  # (N, C, k*k, L)
    columns = patches.transpose(0, 3, 1, 2).reshape(n * out_h * out_w, c * k * k)
    out = columns @ wv.reshape(f, c * k * k).T  # (N*L, F)
    return out.reshape(n, out_h, out_w, f).transpose(0, 3, 1, 2)


@pytest.mark.parametrize("stride, pad", [(1, 0), (1, 1), (2, 1)])
def test_convolution_by_im2col_from_tracer_operations(stride, pad):
    x, w = rand(2, 3, 5, 5), rand(4, 3, 3, 3, seed=2)
    np.testing.assert_allclose(_conv_traced(Value(x), Value(w), stride, pad).data,
                               _conv_naive(x, w, stride, pad), rtol=1e-12, atol=1e-12)
    upstream = rand(*_conv_naive(x, w, stride, pad).shape, seed=3)
    xv, wv = Value(x), Value(w)
    _conv_traced(xv, wv, stride, pad).backward(upstream)
    assert mn.check_vjp(lambda a: _conv_naive(a, w, stride, pad), xv.grad, x, upstream)
    assert mn.check_vjp(lambda a: _conv_naive(x, a, stride, pad), wv.grad, w, upstream)


@pytest.mark.parametrize("causal", [False, True])
def test_one_head_attention_from_tracer_operations(causal):
    tokens, d = 5, 4
    q, k, v = rand(tokens, d), rand(tokens, d, seed=2), rand(tokens, d, seed=3)
    mask = np.triu(np.full((tokens, tokens), -1e9), 1) if causal else np.zeros((tokens, tokens))

    def attention(qv, kv, vv):
        scores = qv @ kv.T / np.sqrt(d) + mask
        return scores.softmax(axis=-1) @ vv

    upstream = rand(tokens, d, seed=4)
    values = [Value(a) for a in (q, k, v)]
    attention(*values).backward(upstream)
    arrays = [q, k, v]
    for i in range(3):
        def f(a, i=i):
            args = [Value(b) for b in arrays]
            args[i] = Value(a)
            return attention(*args).data

        assert mn.check_vjp(f, values[i].grad, arrays[i], upstream), f"input {i}"
    if causal:  # the first query sees only the first key: the other keys get nothing from it
        kv = Value(k)
        attention(Value(q), kv, Value(v))[0].sum().backward()
        np.testing.assert_array_equal(kv.grad[1:], 0.0)


def test_embedding_lookup_and_mean_pool():
    table, ids = rand(6, 3), np.array([[1, 4, 1], [5, 1, 0]])
    assert_vjp(lambda e: e.take(ids).mean(axis=1), table)


def test_batched_attention_from_tracer_operations():
    q, k, v = rand(2, 4, 3), rand(2, 4, 3, seed=2), rand(2, 4, 3, seed=3)

    def attention(qv, kv=Value(k), vv=Value(v)):
        return (qv @ kv.transpose(0, 2, 1) / np.sqrt(3)).softmax(axis=-1) @ vv

    assert_vjp(attention, q)


# ---- constants: the layers above with their data as plain arrays give the same gradients,
# to the last bit, as with every input requiring a gradient (the tracer before 0.3)

def _mlp(p, d):
    hidden = (d["X"] @ p["W1"] + p["b1"]).relu()
    return (hidden @ p["W2"] + p["b2"]).softmax_cross_entropy(np.arange(16) % 3)


def _batch_norm(p, d):
    mu = p["x"].mean(axis=0, keepdims=True)
    xc = p["x"] - mu
    std = ((xc**2).mean(axis=0, keepdims=True) + d["eps"]).sqrt()
    return ((p["gamma"] * (xc / std) + p["beta"]) * d["G"]).sum()


def _masked_attention(p, d):
    scores = p["q"] @ p["k"].T / d["scale"]
    e = (scores - scores.max(axis=-1, keepdims=True)).exp() * d["mask"]
    return ((e / e.sum(axis=-1, keepdims=True) @ p["v"]) * d["upstream"]).sum()


def _convolution(p, d):
    x = d["x"] if isinstance(d["x"], Value) else Value(d["x"], requires_grad=False)  # it pads x
    return (_conv_traced(x, p["w"], 2, 1) * d["upstream"]).sum()


ARRAY_GRAPHS = {  # build(params, data), params, data
    "mlp": (_mlp, {"W1": rand(20, 8), "b1": rand(8, seed=2), "W2": rand(8, 3, seed=3),
                   "b2": rand(3, seed=4)},
            {"X": rand(16, 20, seed=5)}),
    "batch_norm": (_batch_norm, {"x": rand(6, 4), "gamma": rand(4, seed=2), "beta": rand(4, seed=3)},
                   {"eps": 1e-5, "G": rand(6, 4, seed=4)}),
    "masked_attention": (_masked_attention, {"q": rand(5, 4), "k": rand(5, 4, seed=2),
                                             "v": rand(5, 4, seed=3)},
                         {"scale": 2.0, "mask": np.tril(np.ones((5, 5))),
                          "upstream": rand(5, 4, seed=4)}),
    "convolution": (_convolution, {"w": rand(4, 3, 3, 3)},
                    {"x": rand(2, 3, 5, 5, seed=2), "upstream": rand(2, 4, 3, 3, seed=3)}),
}


@pytest.mark.parametrize("name", sorted(ARRAY_GRAPHS))
def test_constants_leave_the_layers_gradients_bit_identical(name):
    build, params, data = ARRAY_GRAPHS[name]
    grads = {}
    for kind, wrap in {"variable": Value, "constant": lambda a: Value(a, requires_grad=False),
                       "plain": lambda a: a}.items():
        values = {key: Value(a) for key, a in params.items()}
        inputs = {key: wrap(a) for key, a in data.items()}
        out = build(values, inputs)
        assert out.requires_grad
        out.backward()
        grads[kind] = {key: v.grad for key, v in values.items()}
        if kind == "constant":
            assert all(v.grad is None for v in inputs.values())
    for kind in ("constant", "plain"):
        for key, reference in grads["variable"].items():
            assert grads[kind][key].tobytes() == reference.tobytes(), (kind, key)


# ---- gradients kept as they come (0.3): each value's .grad is an array of its own, the same
# to the last bit, and in the sign of its zeros, as the textbook sum started from zero

def textbook_gradients(out, upstream):
    """Every value's gradient by the plain loop: zeros, then ``grad = grad + contribution``.

    Also counts the contributions holding a -0.0 (which the sum from zero turns into +0.0), so
    a test can show that its graph exercises that case.
    """
    order = out.topological_order()
    grads = {id(v): np.zeros(v.shape) for v in order}
    grads[id(out)] = grads[id(out)] + upstream
    negative_zeros = 0
    for node in reversed(order):
        for parent, vjp in zip(node.inputs, node._vjps):
            if parent.requires_grad:
                contribution = vjp(grads[id(node)])
                negative_zeros += int(np.sum((contribution == 0) & np.signbit(contribution)))
                grads[id(parent)] = grads[id(parent)] + contribution
    return grads, negative_zeros


def _signed_zeros(p, d):
    """ReLUs whose backward gives -0.0 (0 times a negative), and a value used three times."""
    h = (p["x"] * d["sign"]).relu()
    fan = h * p["w"] + h - h * 2.0
    return ((fan @ p["m"]).relu() * d["upstream"]).sum()


GRAPHS = dict(ARRAY_GRAPHS, signed_zeros=(
    _signed_zeros, {"x": rand(4, 3), "w": rand(4, 3, seed=2), "m": rand(3, 2, seed=3)},
    {"sign": np.sign(rand(4, 3, seed=4)), "upstream": rand(4, 2, seed=5)}))


def _graph_of(name):
    """A case of CASES (upstream of its output's shape) or a graph of GRAPHS (a scalar)."""
    if name in CASES:
        build, x = CASES[name]
        out = build(Value(x)) * Value(rand(*np.shape(build(Value(x)).data), seed=7))
        return out, np.ones(out.shape)
    build, params, data = GRAPHS[name]
    out = build({key: Value(a) for key, a in params.items()}, data)
    return out, np.ones(())


@pytest.mark.parametrize("name", sorted(CASES) + sorted(GRAPHS))
def test_every_gradient_is_the_sum_from_zero_to_the_last_bit(name):
    out, upstream = _graph_of(name)
    expected, _ = textbook_gradients(out, upstream)
    out.backward(upstream)
    for v in out.topological_order():
        if v.requires_grad:
            assert v.grad.tobytes() == expected[id(v)].tobytes(), (name, v.op)


def test_the_signed_zeros_graph_has_contributions_holding_minus_zero():
    out, upstream = _graph_of("signed_zeros")  # so the test above can fail on their sign
    assert textbook_gradients(out, upstream)[1] > 0


@pytest.mark.parametrize("name", sorted(CASES) + sorted(GRAPHS))
def test_each_gradient_is_an_array_of_its_own(name):
    out, upstream = _graph_of(name)
    out.backward(upstream)
    values = out.topological_order()
    grads = [v.grad for v in values if v.requires_grad]
    for i, grad in enumerate(grads):
        assert type(grad) is np.ndarray and grad.flags.writeable
        assert not any(np.shares_memory(grad, other) for other in grads[i + 1:])
        assert not any(np.shares_memory(grad, v.data) for v in values)


def test_gradients_read_between_two_backward_calls_add_up_as_before():
    out, upstream = _graph_of("signed_zeros")
    first, _ = textbook_gradients(out, upstream)
    x = out.topological_order()[0]
    out.backward()
    out.backward()  # the input's gradient is added to, unread in between
    assert x.grad.tobytes() == (first[id(x)] + first[id(x)]).tobytes()
    out.backward()  # and once more, after a read
    assert x.grad.tobytes() == (first[id(x)] + first[id(x)] + first[id(x)]).tobytes()


def test_a_later_change_to_a_plain_operand_or_to_the_labels_changes_no_gradient():
    X, labels = rand(6, 4), np.array([0, 2, 1, 1, 0, 2])
    w = Value(rand(4, 3, seed=2))
    expected = (Value(X, requires_grad=False) @ w).softmax_cross_entropy(labels)
    expected.backward()
    w_grad = w.grad.copy()
    w.zero_grad()
    loss = (X @ w).softmax_cross_entropy(labels)
    np.random.default_rng(0).shuffle(X)  # the caller's arrays change before backward
    labels[:] = 0
    loss.backward()
    assert w.grad.tobytes() == w_grad.tobytes()


def test_a_graph_is_freed_when_dropped_without_the_garbage_collector():
    import gc
    import weakref

    w = Value(rand(3, 2))
    out = (rand(4, 3) @ w).relu().sum()
    out.zero_grad()
    out.backward()  # both keep the order of the values to visit
    hidden = weakref.ref(out.inputs[0].data)
    gc.disable()
    try:
        del out
        assert hidden() is None  # no reference cycle kept it
    finally:
        gc.enable()
