"""Behaviour of the hand-written layers and losses in mathnotes/nn.py.

The gradients are compared with central differences computed here (not with
mathnotes' own checker), so these tests do not depend on other modules.
"""

import numpy as np
import pytest

from mathnotes import nn


def central_gradient(f, x, eps=1e-6):
    """Gradient of the scalar f at x by central differences (x not modified)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grad[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


@pytest.fixture
def batch():
    rng = np.random.default_rng(3)
    return rng.standard_normal((4, 3)), rng.standard_normal((4, 2))


# --- Linear -----------------------------------------------------------------


def test_linear_shapes_and_init_are_seeded():
    a, b = nn.Linear(3, 2, rng=7), nn.Linear(3, 2, rng=7)
    assert a.W.shape == (3, 2) and a.b.shape == (2,)
    assert a.W.dtype == np.float64
    np.testing.assert_array_equal(a.W, b.W)
    assert not np.array_equal(a.W, nn.Linear(3, 2, rng=8).W)
    assert (a.n_in, a.n_out) == (3, 2)
    assert repr(a) == "Linear(n_in=3, n_out=2)"


def test_linear_without_rng_draws_fresh_weights_and_a_shared_generator_differs():
    assert not np.array_equal(nn.Linear(3, 2).W, nn.Linear(3, 2).W)  # not one shared seed
    generator = np.random.default_rng(0)
    first, second = nn.Linear(3, 2, rng=generator), nn.Linear(3, 2, rng=generator)
    assert not np.array_equal(first.W, second.W)
    again = np.random.default_rng(0)
    np.testing.assert_array_equal(nn.Linear(3, 2, rng=again).W, first.W)  # reproducible
    np.testing.assert_array_equal(nn.Linear(3, 2, rng=again).W, second.W)
    np.testing.assert_array_equal(nn.Linear.from_weights(first.W).W, first.W)


def test_linear_forward_is_affine(batch):
    X, _ = batch
    layer = nn.Linear(3, 2, rng=1)
    layer.b = np.array([0.5, -1.0])
    np.testing.assert_allclose(layer.forward(X), X @ layer.W + layer.b)


def test_linear_worked_example():
    layer = nn.Linear.from_weights([[0.5, -1.0], [1.5, 0.0]], [0.1, 0.2])
    np.testing.assert_allclose(layer.forward([[1.0, 2.0]]), [[3.6, -0.8]])
    np.testing.assert_allclose(layer.backward([[1.0, 2.0]]), [[-1.5, 1.5]])
    np.testing.assert_allclose(layer.dW, [[1.0, 2.0], [2.0, 4.0]])
    np.testing.assert_allclose(layer.db, [1.0, 2.0])


def test_linear_backward_matches_numerical_gradients(batch):
    X, dY = batch
    layer = nn.Linear(3, 2, rng=2)
    layer.b = np.array([0.3, -0.2])
    W, b = layer.W.copy(), layer.b.copy()
    layer.forward(X)
    dX = layer.backward(dY)

    def loss_of_X(X_):
        return np.sum(dY * (X_ @ W + b))

    def loss_of_W(W_):
        return np.sum(dY * (X @ W_ + b))

    def loss_of_b(b_):
        return np.sum(dY * (X @ W + b_))

    np.testing.assert_allclose(dX, central_gradient(loss_of_X, X), atol=1e-8)
    np.testing.assert_allclose(layer.dW, central_gradient(loss_of_W, W), atol=1e-8)
    np.testing.assert_allclose(layer.db, central_gradient(loss_of_b, b), atol=1e-8)
    assert layer.dW.shape == W.shape and layer.db.shape == b.shape and dX.shape == X.shape


def test_linear_update_steps_against_gradient(batch):
    X, dY = batch
    layer = nn.Linear(3, 2, rng=4)
    W, b = layer.W.copy(), layer.b.copy()
    layer.forward(X)
    layer.backward(dY)
    layer.update(0.1)
    np.testing.assert_allclose(layer.W, W - 0.1 * layer.dW)
    np.testing.assert_allclose(layer.b, b - 0.1 * layer.db)
    assert set(layer.parameters()) == set(layer.gradients()) == {"W", "b"}


def test_linear_does_not_modify_inputs(batch):
    X, dY = batch
    X0, dY0 = X.copy(), dY.copy()
    W = np.ones((3, 2))
    layer = nn.Linear.from_weights(W)
    layer.forward(X)
    layer.backward(dY)
    layer.update(0.5)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(dY, dY0)
    np.testing.assert_array_equal(W, np.ones((3, 2)))


def test_losses_and_networks_do_not_modify_their_arguments(batch):
    X, Y = batch
    labels = np.array([0, 1, 1, 0])
    arrays = [X, Y, labels]
    before = [a.copy() for a in arrays]
    net = nn.Sequential(nn.Linear(3, 2, rng=0), nn.ReLU())
    _, grad = nn.squared_error(net.forward(X), Y)
    net.backward(grad)
    net.update(0.1)
    nn.squared_error(Y, Y + 1.0, reduction="sum")
    nn.softmax_cross_entropy(Y, labels)
    generator = np.random.default_rng(5)
    state = generator.bit_generator.state
    nn.Linear(3, 2, rng=generator)  # a generator passed in is used, as the caller asked
    assert generator.bit_generator.state != state
    for array, copy in zip(arrays, before):
        np.testing.assert_array_equal(array, copy)


def test_linear_accepts_integers():
    layer = nn.Linear.from_weights([[1, 2], [3, 4]], [1, 1])
    out = layer.forward([[1, 1]])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[5.0, 7.0]])


@pytest.mark.parametrize(
    "X, match",
    [
        (np.ones(3), r"reshape\(1, -1\)"),
        (np.ones((2, 4)), "expects 3"),
        (np.array([[1.0, np.nan, 0.0]]), "NaN"),
        ("abc", "2-d array"),
    ],
)
def test_linear_forward_rejects_bad_input(X, match):
    with pytest.raises((ValueError, TypeError), match=match):
        nn.Linear(3, 2).forward(X)


def test_linear_backward_errors(batch):
    X, dY = batch
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(dY)
    with pytest.raises(RuntimeError, match="backward"):
        layer.update(0.1)
    layer.forward(X)
    with pytest.raises(ValueError, match="expects 2"):
        layer.backward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="rows"):
        layer.backward(np.ones((5, 2)))


@pytest.mark.parametrize("lr", [0, -0.1, np.inf, "0.1", True])
def test_linear_update_rejects_bad_learning_rate(batch, lr):
    X, dY = batch
    layer = nn.Linear(3, 2)
    layer.forward(X)
    layer.backward(dY)
    error = TypeError if isinstance(lr, (str, bool)) else ValueError
    with pytest.raises(error, match="lr must be a (real|finite) number"):
        layer.update(lr)


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((0, 2), {}, ValueError, "n_in must be an integer >= 1"),
        ((3, 2.5), {}, TypeError, "n_out must be an integer"),
        ((3, 2), {"scale": -1.0}, ValueError, "scale must be a finite number >= 0"),
        ((3, 2), {"rng": "seed"}, TypeError,
         "rng must be None, an int seed or a numpy.random.Generator, got str"),
        ((3, 2), {"rng": 1.5}, TypeError, "rng must be None, an int seed"),
        ((3, 2), {"rng": True}, TypeError, "rng must be None, an int seed"),
        ((3, 2), {"rng": -1}, ValueError, "rng must be a seed >= 0, got -1"),
    ],
)
def test_linear_constructor_rejects_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.Linear(*args, **kwargs)


def test_from_weights_rejects_bad_shapes():
    with pytest.raises(ValueError, match="2-d"):
        nn.Linear.from_weights(np.ones(3))
    with pytest.raises(ValueError, match=r"shape \(n_out,\)"):
        nn.Linear.from_weights(np.ones((3, 2)), np.ones((2, 1)))


# --- ReLU and Sequential ----------------------------------------------------


def test_relu_forward_backward():
    relu = nn.ReLU()
    X = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu.forward(X), [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu.backward([[3.0, 3.0, 3.0]]), [[0.0, 0.0, 3.0]])
    assert relu.parameters() == {} and relu.gradients() == {}


def test_relu_errors():
    relu = nn.ReLU()
    with pytest.raises(RuntimeError, match="forward"):
        relu.backward(np.ones((1, 2)))
    relu.forward(np.ones((1, 2)))
    with pytest.raises(ValueError, match="shape"):
        relu.backward(np.ones((2, 2)))


def test_sequential_chains_backward(batch):
    X, _ = batch
    net = nn.Sequential(nn.Linear(3, 5, rng=1), nn.ReLU(), nn.Linear(5, 1, rng=2))
    target = np.ones((4, 1))

    def loss(X_):
        return nn.squared_error(net.forward(X_), target)[0]

    value, grad = nn.squared_error(net.forward(X), target)
    dX = net.backward(grad)
    np.testing.assert_allclose(dX, central_gradient(loss, X), atol=1e-7)
    assert "Linear(n_in=3, n_out=5)" in repr(net)


def test_sequential_layers_and_parameters_by_name():
    first, relu, second = layers = nn.Linear(3, 5, rng=1), nn.ReLU(), nn.Linear(5, 2, rng=2)
    net = nn.Sequential(*layers)
    assert net.layers == list(layers)
    params = net.parameters()
    assert list(params) == ["0.W", "0.b", "2.W", "2.b"]
    assert params["0.W"] is first.W and params["2.b"] is second.b  # the arrays themselves
    assert sum(p.size for p in params.values()) == 3 * 5 + 5 + 5 * 2 + 2
    assert all(g is None for g in net.gradients().values())
    net.forward(np.ones((4, 3)))
    net.backward(np.ones((4, 2)))
    grads = net.gradients()
    assert list(grads) == list(params) and grads["0.W"] is first.dW


def test_sequential_parameters_of_a_layer_without_the_method_is_a_clear_error():
    class Tanh:  # a reader's layer, with forward, backward and update only
        def forward(self, X):
            return np.tanh(X)

        def backward(self, dY):
            return dY

        def update(self, lr):
            pass

        def __repr__(self):
            return "Tanh()"

    net = nn.Sequential(nn.Linear(2, 3, rng=0), Tanh())
    assert net.forward(np.ones((1, 2))).shape == (1, 3)
    with pytest.raises(TypeError, match=r"Sequential.parameters: layer 1 \(Tanh\(\)\) has no "
                                        r"parameters\(\) method"):
        net.parameters()


def test_sequential_rejects_non_layers():
    with pytest.raises(ValueError):
        nn.Sequential()
    with pytest.raises(TypeError, match="not a layer"):
        nn.Sequential(nn.ReLU(), object())


# --- losses -----------------------------------------------------------------


def test_squared_error_value_and_gradient(batch):
    _, Y = batch
    P = Y + 0.5
    value, grad = nn.squared_error(P, Y, reduction="sum")
    assert isinstance(value, float)
    np.testing.assert_allclose(value, 0.5 * np.sum((P - Y) ** 2))
    np.testing.assert_allclose(
        grad, central_gradient(lambda p: nn.squared_error(p, Y, reduction="sum")[0], P))
    mean_value, mean_grad = nn.squared_error(P, Y)  # the default: a mean over the 4 examples
    np.testing.assert_allclose(mean_value, value / 4)
    np.testing.assert_allclose(mean_grad, grad / 4)
    np.testing.assert_allclose(mean_grad, central_gradient(lambda p: nn.squared_error(p, Y)[0], P))


def test_both_losses_average_over_the_batch_by_default():
    rng = np.random.default_rng(0)
    scores, labels, targets = rng.standard_normal((6, 3)), rng.integers(0, 3, 6), np.zeros((6, 3))
    for loss, target in ((nn.squared_error, targets), (nn.softmax_cross_entropy, labels)):
        mean_value, mean_grad = loss(scores, target)
        sum_value, sum_grad = loss(scores, target, reduction="sum")
        np.testing.assert_allclose(mean_value, sum_value / 6)
        np.testing.assert_allclose(mean_grad, sum_grad / 6)


def test_squared_error_errors():
    with pytest.raises(ValueError, match="must match"):
        nn.squared_error(np.ones((2, 1)), np.ones((1, 2)))
    with pytest.raises(ValueError, match="reduction"):
        nn.squared_error(np.ones((2, 1)), np.ones((2, 1)), reduction="avg")


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_softmax_cross_entropy_gradient(reduction):
    rng = np.random.default_rng(5)
    Z = rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, size=6)
    value, grad = nn.softmax_cross_entropy(Z, labels, reduction=reduction)

    def loss(Z_):
        return nn.softmax_cross_entropy(Z_, labels, reduction=reduction)[0]

    np.testing.assert_allclose(grad, central_gradient(loss, Z), atol=1e-8)
    probs = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    per_example = -np.log(probs[np.arange(6), labels])
    expected = per_example.mean() if reduction == "mean" else per_example.sum()
    np.testing.assert_allclose(value, expected)


def test_softmax_cross_entropy_is_stable_for_large_logits():
    value, grad = nn.softmax_cross_entropy(np.array([[1000.0, 0.0]]), [0])
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "labels, error, match",
    [
        ([0, 1], ValueError, r"shape \(N,\)"),
        ([0.0, 1.0, 2.0], TypeError, "integers"),
        ([0, 1, 4], ValueError, "lie in"),
        ([0, -1, 1], ValueError, "lie in"),
    ],
)
def test_softmax_cross_entropy_rejects_bad_labels(labels, error, match):
    with pytest.raises(error, match=match):
        nn.softmax_cross_entropy(np.zeros((3, 4)), np.array(labels))


def test_api_page_example():
    import doctest
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "book" / "api_layers.md"
    result = doctest.testfile(str(page), module_relative=False)
    assert result.attempted > 0 and result.failed == 0
