"""The tracer: every operation's backward against central differences, fan-outs,
broadcasting, errors, deep graphs, gradient reset."""

import doctest
import sys

import numpy as np
import pytest

import mathnotes as mn
import mathnotes.tracer._elementwise
import mathnotes.tracer._reductions
import mathnotes.tracer._shapes
import mathnotes.tracer._value
from mathnotes import Value

RNG_SEED = 0


def check_backward(build, *arrays):
    """Backward of ``sum(upstream * build(*values))`` against mathnotes' gradient check, per input."""
    rng = np.random.default_rng(RNG_SEED)
    values = [Value(a) for a in arrays]
    out = build(*values)
    upstream = rng.standard_normal(out.shape)
    out.backward(upstream)
    for k, array in enumerate(arrays):

        def scalar(x, k=k):
            inputs = list(arrays)
            inputs[k] = x
            return float(np.sum(upstream * build(*[Value(a) for a in inputs]).data))

        assert values[k].grad.shape == np.shape(array)
        result = mn.check_gradient(scalar, values[k].grad, np.asarray(array, dtype=float))
        assert result, f"gradient of input {k}:\n{result!r}"
        assert not result.kinks  # the cases stay away from kinks


def rand(*shape, low=-2.0, high=2.0, seed=1):
    return np.random.default_rng(seed).uniform(low, high, shape)


# one case per operation; every input is checked
CASES = {
    "add": (lambda a, b: a + b, rand(3, 4), rand(3, 4, seed=2)),
    "sub": (lambda a, b: a - b, rand(3, 4), rand(3, 4, seed=2)),
    "mul": (lambda a, b: a * b, rand(3, 4), rand(3, 4, seed=2)),
    "div": (lambda a, b: a / b, rand(3, 4), rand(3, 4, low=0.5, high=2.0, seed=2)),
    "pow2": (lambda a: a**2, rand(3, 4)),
    "pow3": (lambda a: a**3, rand(5)),
    "pow_half": (lambda a: a**0.5, rand(5, low=0.5, high=3.0)),
    "pow_minus1": (lambda a: a**-1, rand(5, low=0.5, high=3.0)),
    "neg": (lambda a: -a, rand(3, 4)),
    "matmul_2d_2d": (lambda a, b: a @ b, rand(3, 4), rand(4, 2, seed=2)),
    "matmul_1d_2d": (lambda a, b: a @ b, rand(4), rand(4, 2, seed=2)),
    "matmul_2d_1d": (lambda a, b: a @ b, rand(3, 4), rand(4, seed=2)),
    "matmul_1d_1d": (lambda a, b: a @ b, rand(4), rand(4, seed=2)),
    "matmul_batch_2d": (lambda a, b: a @ b, rand(2, 3, 4), rand(4, 2, seed=2)),
    "matmul_2d_batch": (lambda a, b: a @ b, rand(3, 4), rand(2, 4, 2, seed=2)),
    "matmul_batch_broadcast": (lambda a, b: a @ b, rand(2, 1, 3, 4), rand(3, 4, 2, seed=2)),
    "matmul_batch_1d": (lambda a, b: a @ b, rand(2, 3, 4), rand(4, seed=2)),
    "matmul_1d_batch": (lambda a, b: a @ b, rand(4), rand(2, 4, 3, seed=2)),
    "exp": (lambda a: a.exp(), rand(3, 4)),
    "log": (lambda a: a.log(), rand(3, 4, low=0.5, high=3.0)),
    "sigmoid": (lambda a: a.sigmoid(), rand(3, 4)),
    "tanh": (lambda a: a.tanh(), rand(3, 4)),
    "relu": (lambda a: a.relu(), np.array([[-1.5, 0.3], [2.0, -0.2]])),
    "sum_all": (lambda a: a.sum(), rand(3, 4)),
    "sum_axis0": (lambda a: a.sum(axis=0), rand(3, 4)),
    "sum_axis1": (lambda a: a.sum(axis=1), rand(3, 4)),
    "sum_axis_neg": (lambda a: a.sum(axis=-1), rand(2, 3, 4)),
    "sum_axes": (lambda a: a.sum(axis=(0, 2)), rand(2, 3, 4)),
    "mean_all": (lambda a: a.mean(), rand(3, 4)),
    "mean_axis0": (lambda a: a.mean(axis=0), rand(3, 4)),
    "transpose": (lambda a: a.T, rand(3, 4)),
    "maximum": (lambda a, b: mn.maximum(a, b), rand(3, 4), rand(3, 4, seed=2)),
    "maximum_number": (lambda a: mn.maximum(a, 0.25), rand(3, 4)),
    "softmax_ce": (lambda a: a.softmax_cross_entropy([0, 2, 1]), rand(3, 4)),
    "softmax_ce_one": (lambda a: a.softmax_cross_entropy(3), rand(4)),
    "radd": (lambda a: 2.0 + a, rand(3)),
    "rsub": (lambda a: 2.0 - a, rand(3)),
    "rmul": (lambda a: np.arange(3.0) * a, rand(3)),
    "rdiv": (lambda a: 1.0 / a, rand(3, low=0.5, high=2.0)),
    "rmatmul": (lambda a: np.arange(6.0).reshape(2, 3) @ a, rand(3, 2)),
    "scalar_chain": (lambda a, b: (a * b + a.exp()).tanh() / (1.0 + b**2), rand(), rand(seed=2)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_backward_matches_numerical_gradient(name):
    build, *arrays = CASES[name]
    check_backward(build, *arrays)


def test_every_operation_is_covered():
    """A new operation needs a case above: compare the ops built by the cases with the code."""
    seen = set()
    for build, *arrays in CASES.values():
        out = build(*[Value(a) for a in arrays])
        seen.update(node.op for node in out.topological_order() if node.op)
    expected = {"+", "-", "*", "/", "neg", "@", "exp", "log", "σ", "tanh", "relu", "sum", "mean",
                "T", "max", "softmax-CE", "**2", "**3", "**0.5", "**-1"}
    assert expected <= seen
    # the array operations have their cases in test_tracer_arrays.py
    import test_tracer_arrays

    for build, x in test_tracer_arrays.CASES.values():
        seen.update(node.op for node in build(Value(x)).topological_order() if node.op)
    every_op = {"sqrt", "softmax", "reshape", "transpose", "[]", "take", "pad"} | expected
    assert every_op == seen


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 1), (1, 3)), ((2, 4, 3), (4, 3)), ((), (2, 3))],
)
@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_broadcasting_backward(a_shape, b_shape, op):
    build = {
        "+": lambda a, b: a + b,
        "-": lambda a, b: a - b,
        "*": lambda a, b: a * b,
        "/": lambda a, b: a / b,
    }[op]
    a = rand(*a_shape, low=0.5, high=2.0)
    b = rand(*b_shape, low=0.5, high=2.0, seed=2)
    check_backward(build, a, b)


def test_bias_added_to_every_row_gets_the_column_sums():
    x = Value(rand(5, 3))
    b = Value(np.zeros(3), label="b")
    out = x + b
    upstream = rand(5, 3, seed=3)
    out.backward(upstream)
    np.testing.assert_allclose(b.grad, upstream.sum(axis=0))
    assert b.grad.shape == (3,)


def test_gradients_add_at_a_fan_out():
    # y = x + x**2: two paths from x, dy/dx = 1 + 2x
    x = Value(3.0, label="x")
    y = x + x**2
    y.backward()
    assert float(x.grad) == 1 + 2 * 3.0
    # the same value used twice by one operation
    x2 = Value(-1.5)
    (x2 * x2).backward()
    assert float(x2.grad) == 2 * -1.5


def test_circuit_of_the_chapter():
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    f = q * z
    f.backward()
    assert (float(f.data), float(q.grad), float(x.grad), float(y.grad), float(z.grad)) == (
        (-2.0 + 5.0) * -4.0, -4.0, -4.0, -4.0, -2.0 + 5.0)


def test_sigmoid_neuron_matches_the_closed_form():
    w = np.array([2.0, -3.0, -3.0])
    x = np.array([-1.0, -2.0])
    w0, w1, w2 = (Value(v) for v in w)
    x0, x1 = (Value(v) for v in x)
    out = (w0 * x0 + w1 * x1 + w2).sigmoid()
    out.backward()
    s = 1 / (1 + np.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))
    local = s * (1 - s)
    np.testing.assert_allclose([float(w0.grad), float(w1.grad), float(w2.grad)],
                               [x[0] * local, x[1] * local, local])
    np.testing.assert_allclose([float(x0.grad), float(x1.grad)], [w[0] * local, w[1] * local])


def test_staged_computation_matches_numerical_gradient():
    def build(x, y):
        return (x + y.sigmoid()) / (x.sigmoid() + (x + y) ** 2)

    check_backward(build, 3.0, -4.0)


def test_two_layer_network_matches_numerical_gradient():
    def build(X, W1, b1, W2, b2):
        hidden = (X @ W1 + b1).relu()
        return ((hidden @ W2 + b2 - 1.0) ** 2).sum() * 0.5

    check_backward(build, rand(5, 3), rand(3, 4, seed=2), rand(4, seed=3), rand(4, 2, seed=4),
                   rand(2, seed=5))


def test_backward_of_an_array_needs_an_upstream_gradient():
    out = Value(np.ones((2, 3))) * 2.0
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*upstream"):
        out.backward()
    with pytest.raises(ValueError, match=r"upstream has shape \(3,\).*\(2, 3\)"):
        out.backward(np.ones(3))


def test_single_element_array_is_seeded_with_one():
    out = Value(np.array([2.0])) * 3.0
    out.backward()
    np.testing.assert_array_equal(out.grad, [1.0])


def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 2\)"):
        Value(np.ones((2, 3))) @ Value(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"matmul.*at least one axis.*\(\) and \(2, 2\)"):
        Value(1.0) @ Value(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"matmul.*first axis of the right \(2\)"):
        Value(np.ones((2, 3))) @ Value(np.ones(2))
    with pytest.raises(ValueError, match=r"matmul.*batch.*\(2, 2, 3\) and \(4, 3, 2\)"):
        Value(np.ones((2, 2, 3))) @ Value(np.ones((4, 3, 2)))


@pytest.mark.parametrize(
    "build, name",
    [(lambda a, b: a + b, "addition"), (lambda a, b: a - b, "subtraction"),
     (lambda a, b: a * b, "multiplication"), (lambda a, b: a / b, "division"),
     (lambda a, b: mn.maximum(a, b), "maximum")],
)
def test_broadcasting_mismatch_names_the_operation_and_shapes(build, name):
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\) and \(4,\)"):
        build(Value(np.ones((2, 3))), Value(np.ones(4)))


def test_domain_errors_name_the_operation():
    with pytest.raises(ValueError, match="log"):
        Value(np.array([1.0, -1.0])).log()
    with pytest.raises(ZeroDivisionError, match="division"):
        Value(1.0) / 0.0
    with pytest.raises(ValueError, match=r"\*\*0.5"):
        Value(-1.0) ** 0.5
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError, match="exponent"):
        2.0 ** Value(2.0)


def test_bad_data_is_rejected():
    with pytest.raises(TypeError, match="number"):
        Value("three")
    with pytest.raises(TypeError, match="complex"):
        Value(1 + 2j)
    with pytest.raises(ValueError, match="NaN or infinity"):
        Value(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="NaN or infinity"):
        Value(1.0) + np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        (Value(np.ones(2)) * 2.0).backward(np.array([1.0, np.inf]))
    with pytest.raises(ValueError, match="axis"):
        Value(np.ones((2, 3))).sum(axis=2)
    with pytest.raises(ValueError, match="labels"):
        Value(np.ones((2, 3))).softmax_cross_entropy([0, 3])
    with pytest.raises(ValueError, match="2 rows.*3 labels"):
        Value(np.ones((2, 3))).softmax_cross_entropy([0, 1, 2])
    with pytest.raises(TypeError, match="integer"):
        Value(np.ones((2, 3))).softmax_cross_entropy([0.0, 1.0])


def test_data_is_float64_and_a_copy():
    array = np.array([1, 2, 3])
    v = Value(array)
    assert v.data.dtype == np.float64 and v.grad.dtype == np.float64
    v.data *= 10
    np.testing.assert_array_equal(array, [1, 2, 3])
    assert Value(2).data.shape == () and float(Value(2).data) == 2.0


def test_numpy_array_on_the_left_gives_a_value():
    out = np.ones(3) + Value(np.arange(3.0))
    assert isinstance(out, Value)
    out = np.ones((2, 3)) @ Value(np.ones(3))
    assert isinstance(out, Value) and out.shape == (2,)


def test_maximum_routes_the_gradient_and_splits_ties():
    a, b = Value(np.array([1.0, 5.0, 2.0])), Value(np.array([3.0, 4.0, 2.0]))
    mn.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 1.0, 0.5])
    np.testing.assert_array_equal(b.grad, [1.0, 0.0, 0.5])


def test_deep_chain_does_not_recurse():
    depth = 3 * sys.getrecursionlimit()
    x = Value(0.5)
    y = x
    for _ in range(depth):
        y = y * 1.0 + 0.0
    y.backward()
    assert float(x.grad) == 1.0
    assert len(y.topological_order()) > depth


def test_topological_order_puts_inputs_first_and_is_deterministic():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    f = (x * y + x).exp()
    order = f.topological_order()
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert all(position[p] < position[node] for p in node.inputs)
    assert order[-1] is f
    assert [n.label for n in order] == [n.label for n in f.topological_order()]


def test_input_gradients_accumulate_and_zero_grad_resets():
    x = Value(2.0)
    y = x * 3.0
    f = y * y
    f.backward()
    first = float(x.grad)
    assert first == 2 * (3.0 * 2.0) * 3.0
    f.backward()
    assert float(x.grad) == 2 * first  # inputs accumulate
    assert float(y.grad) == 2 * 3.0 * 2.0  # intermediates are recomputed
    f.zero_grad()
    assert float(x.grad) == 0.0 and float(y.grad) == 0.0 and float(f.grad) == 0.0


def test_repr_is_readable():
    assert repr(Value(2.5, label="x")) == "Value(data=2.5, grad=0, label='x')"
    assert repr(Value(np.ones((2, 3)))) == "Value(shape=(2, 3))"


def test_import_mathnotes_stays_light():
    import subprocess

    code = "import sys, mathnotes as mn; mn.Value(1.0); print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", [mathnotes.tracer._value, mathnotes.tracer._elementwise,
                                    mathnotes.tracer._reductions, mathnotes.tracer._shapes],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_input_gradients_report_each_wire_and_change_nothing():
    x, w = Value(np.array([1.0, -2.0])), Value(np.array([3.0, 0.5]))
    y = x * w + x
    out = (y * y).sum()
    out.backward()
    grads = {id(v): v.grad.copy() for v in out.topological_order()}
    square = out.inputs[0]
    first, second = square.input_gradients()  # y used twice: one contribution per wire
    np.testing.assert_allclose(first, y.data * square.grad)
    np.testing.assert_allclose(first + second, y.grad)
    product = y.inputs[0]
    to_x, to_w = product.input_gradients()  # multiply swaps
    np.testing.assert_allclose(to_x, w.data * product.grad)
    np.testing.assert_allclose(to_w, x.data * product.grad)
    np.testing.assert_allclose(to_x + y.input_gradients()[1], x.grad)  # x's two wires add up
    assert x.input_gradients() == ()
    for v in out.topological_order():
        v.input_gradients()
        np.testing.assert_array_equal(v.grad, grads[id(v)])


# ---- constants: a plain number or array, or Value(x, requires_grad=False), gets no gradient

def test_a_plain_array_is_a_constant_and_gets_no_gradient():
    X = rand(4, 3)
    w = Value(rand(3, 2, seed=2))
    product = X @ w
    data = product.inputs[0]
    assert not data.requires_grad and data.grad is None
    assert w.requires_grad and product.requires_grad
    product.sum().backward()
    assert data.grad is None
    np.testing.assert_array_equal(w.grad, X.T @ np.ones((4, 2)))


def test_the_vector_jacobian_product_of_a_constant_is_never_called():
    X, w = rand(4, 3), Value(rand(3, 2, seed=2))
    product = X @ w

    def must_not_run(g):
        raise AssertionError("the VJP of a constant input was called")

    product._vjps = (must_not_run, product._vjps[1])
    product.sum().backward()
    assert w.grad.shape == (3, 2)
    assert product.input_gradients()[0] is None


def test_requires_grad_propagates_forward():
    c = Value(rand(3), requires_grad=False)
    w = Value(rand(3, seed=2))
    derived = (c.exp() * 2.0 + 1.0).sum()  # computed from constants only
    assert not derived.requires_grad and derived.grad is None
    mixed = derived * w
    assert mixed.requires_grad and mixed.grad.shape == (3,)
    mixed.backward(np.ones(3))
    np.testing.assert_array_equal(w.grad, np.full(3, derived.data))
    assert c.grad is None and derived.grad is None


def test_a_constant_value_is_made_with_requires_grad_false():
    c = Value([1.0, 2.0], requires_grad=False, label="c")
    assert not c.requires_grad and c.grad is None
    assert repr(c) == "Value(shape=(2,), requires_grad=False, label='c')"
    assert repr(Value(2.0, requires_grad=False)) == "Value(data=2, requires_grad=False)"
    with pytest.raises(AttributeError):
        c.requires_grad = True  # fixed at creation: results already made depend on it
    with pytest.raises(TypeError, match=r"Value\(requires_grad\): expected True or False, got 1"):
        Value(1.0, requires_grad=1)


def test_backward_of_a_constant_is_refused():
    out = Value(rand(3), requires_grad=False).sum() * 2.0
    with pytest.raises(ValueError, match="backward: this value is a constant"):
        out.backward()


def test_zero_grad_and_backward_leave_constants_without_a_gradient():
    c, x = Value(3.0, requires_grad=False), Value(2.0)
    f = c * x * x
    f.backward()
    assert float(x.grad) == 2 * 3.0 * 2.0
    f.zero_grad()
    assert float(x.grad) == 0.0 and c.grad is None
    c.zero_grad()  # nothing to reset
    assert c.grad is None
    assert f.inputs[0].input_gradients()[0] is None


def test_input_gradients_of_a_constant_result_are_none():
    c = Value(3.0, requires_grad=False)
    y = c * 2.0
    assert y.input_gradients() == (None, None)


# The traced computations of chapters 4 and 5, with their data (the plain numbers and arrays
# of the book's code) passed in: (build(params, data), params, data).
BOOK_GRAPHS = {
    "ch04_tanh_layer": (lambda p, d: (d["W"] @ p["x"]).tanh().sum(),
                        {"x": rand(6, seed=46)}, {"W": rand(4, 6, seed=45)}),
    "ch05_gates": (lambda p, d: d["two"] * (p["x"] * p["y"] + mn.maximum(p["z"], p["w"])),
                   {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0}, {"two": 2.0}),
    "ch05_neuron": (lambda p, d: d["one"] / (d["one"] + (-(p["w0"] * p["x0"] + p["w1"] * p["x1"]
                                                           + p["w2"])).exp()),
                    {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}, {"one": 1.0}),
    "ch05_softmax_xent": (lambda p, d: ((p["s"] - d["top"]).exp().sum().log()
                                        - ((p["s"] - d["top"]) * d["onehot"]).sum()),
                          {"s": np.array([3.2, 5.1, -1.7])},
                          {"top": 5.1, "onehot": np.array([1.0, 0.0, 0.0])}),
    "ch05_batch_loss": (lambda p, d: d["half"] * ((d["X"] @ p["w"] + p["b"] - d["y"]) ** 2).mean(),
                        {"w": rand(4, seed=3), "b": 0.3},
                        {"half": 0.5, "X": rand(10, 4, seed=4), "y": rand(10, seed=5)}),
}


def gradients_with_data_as(kind, build, params, data):
    """The parameters' gradients, the data passed as plain arrays, constants or variables."""
    wrap = {"plain": lambda a: a, "constant": lambda a: Value(a, requires_grad=False),
            "variable": Value}[kind]  # "variable": every input gets a gradient, as before 0.3
    values = {name: Value(a) for name, a in params.items()}
    inputs = {name: wrap(a) for name, a in data.items()}
    build(values, inputs).backward()
    if kind == "variable":
        assert all(v.grad is not None for v in inputs.values())
    return {name: v.grad for name, v in values.items()}


def same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", sorted(BOOK_GRAPHS))
def test_constants_leave_every_gradient_bit_identical(name):
    """Skipping the constants' VJPs changes no other gradient, not even in the last bit."""
    reference = gradients_with_data_as("variable", *BOOK_GRAPHS[name])
    for kind in ("plain", "constant"):
        grads = gradients_with_data_as(kind, *BOOK_GRAPHS[name])
        assert all(same_bits(grads[p], reference[p]) for p in reference), (kind, name)


def test_gradients_are_zero_until_backward_and_zeros_keep_their_sign():
    x = Value(np.array([-1.0, 2.0]))
    hidden = x.relu()
    assert hidden.grad.tolist() == [0.0, 0.0]  # zero until backward, as for an input
    out = hidden * np.array([-3.0, 1.0])
    out.backward(np.ones(2))
    # the ReLU's backward gives -3 * 0 = -0.0 for x[0]; a gradient adds it to +0.0, as before
    assert np.signbit(x.grad).tolist() == [False, False]
    assert np.signbit(hidden.grad).tolist() == [True, False]  # -3.0 and 1.0
    assert x.grad.tolist() == [0.0, 1.0] and isinstance(x.grad, np.ndarray)
    scalar = Value(2.0) * 3.0
    scalar.backward()
    assert type(scalar.inputs[0].grad) is np.ndarray and scalar.inputs[0].grad.shape == ()


def _recursive_order(out):
    """The order of a recursive depth-first search, inputs in the order the operations got them."""
    order, seen = [], set()

    def visit(node):
        seen.add(node)
        for parent in node.inputs:
            if parent not in seen:
                visit(parent)
        order.append(node)

    visit(out)
    return order


def test_topological_order_is_that_of_a_recursive_depth_first_search():
    # backward adds the gradients of a fan-out in this order: changing it changes the last bits
    rng = np.random.default_rng(3)
    for _ in range(20):
        values = [Value(rng.normal(), label=str(i)) for i in range(4)]
        for _ in range(12):
            a, b = rng.choice(len(values), 2)
            values.append(values[a] * values[b] if rng.random() < 0.5 else values[a] + values[b])
        out = values[-1]
        assert out.topological_order() == _recursive_order(out)


def test_a_gradient_set_by_hand_is_kept_as_given():
    x = Value(np.array([1.0, -1.0]))
    given = np.array([-0.0, 2.0])
    x.grad = given
    assert x.grad is given and np.signbit(x.grad[0])  # not settled: it is the caller's array
    (x * 3.0).sum().backward()
    assert x.grad is given and x.grad.tolist() == [3.0, 5.0]  # added to, as before


def test_a_value_has_a_fixed_set_of_attributes():
    x = Value(1.0, label="x")
    x.label = "renamed"
    with pytest.raises(AttributeError):
        x.colour = "red"  # no dictionary per value (__slots__)
