"""Central differences in mathnotes/numdiff.py: values, shapes and bad input."""

import numpy as np
import pytest

import mathnotes as mn

RNG = np.random.default_rng(11)
W = RNG.standard_normal((3, 4))
X = RNG.standard_normal((4, 5))


# --- values and shapes --------------------------------------------------------


def test_gradient_of_a_matrix_product_has_the_shape_of_w():
    g = mn.numerical_gradient(lambda w: np.sum((w @ X) ** 2), W)
    assert g.shape == W.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * (W @ X) @ X.T, rtol=1e-8, atol=1e-9)


def test_gradient_of_a_scalar_argument_is_0d():
    g = mn.numerical_gradient(lambda t: np.sin(t), 0.5)
    assert g.shape == ()
    assert abs(float(g) - np.cos(0.5)) < 1e-10


def test_gradient_accepts_a_python_float_or_0d_output():
    x = np.array([1.0, 2.0])
    g1 = mn.numerical_gradient(lambda v: float(v @ v), x)
    g2 = mn.numerical_gradient(lambda v: np.asarray(v @ v), x)
    np.testing.assert_allclose(g1, [2.0, 4.0], rtol=1e-9)
    np.testing.assert_array_equal(g1, g2)


def test_jacobian_is_in_numerator_layout():
    x = RNG.standard_normal(4)
    J = mn.numerical_jacobian(lambda v: W @ v, x)
    assert J.shape == (3, 4)
    np.testing.assert_allclose(J, W, rtol=1e-9, atol=1e-10)


def test_generalized_jacobian_has_shape_out_plus_in():
    J = mn.numerical_jacobian(lambda w: w @ X, W)
    assert J.shape == (3, 5, 3, 4)
    # d(WX)[i, j] / dW[k, l] = delta_ik X[l, j]
    expected = np.einsum("ik,lj->ijkl", np.eye(3), X)
    np.testing.assert_allclose(J, expected, rtol=1e-8, atol=1e-9)


def test_jacobian_of_softmax_is_diag_minus_outer():
    z = np.array([0.3, -1.2, 2.0, 0.1])

    def softmax(v):
        e = np.exp(v - v.max())
        return e / e.sum()

    s = softmax(z)
    J = mn.numerical_jacobian(softmax, z)
    np.testing.assert_allclose(J, np.diag(s) - np.outer(s, s), atol=1e-10)


def test_vjp_equals_upstream_times_jacobian():
    dY = RNG.standard_normal((3, 5))
    v = mn.numerical_vjp(lambda w: w @ X, W, dY)
    assert v.shape == W.shape
    np.testing.assert_allclose(v, dY @ X.T, rtol=1e-8, atol=1e-9)
    J = mn.numerical_jacobian(lambda w: w @ X, W)
    np.testing.assert_allclose(v, np.tensordot(dY, J, axes=2), rtol=1e-8, atol=1e-9)


def test_step_is_relative_to_the_size_of_x():
    # at |x| = 1e6 an absolute step of 6e-6 would be lost in rounding
    x = np.array([1e6, -3e6])
    g = mn.numerical_gradient(lambda v: np.sum(v**2), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)


def test_custom_eps():
    x = np.array([0.7])
    rough = mn.numerical_gradient(np.sum, x, eps=1e-2)
    np.testing.assert_allclose(rough, [1.0])
    with pytest.raises(ValueError, match="eps"):
        mn.numerical_gradient(np.sum, x, eps=0.0)
    with pytest.raises(TypeError, match="eps"):
        mn.numerical_gradient(np.sum, x, eps="small")


# --- input conversion -----------------------------------------------------------


def test_integer_input_is_computed_in_float64():
    x = np.array([1, 2, 3])
    g = mn.numerical_gradient(lambda v: np.sum(v**2), x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-9)
    assert x.dtype.kind == "i"


def test_python_list_input():
    g = mn.numerical_gradient(lambda v: v[0] * v[1], [2, 3])
    np.testing.assert_allclose(g, [3.0, 2.0], rtol=1e-9)


def test_float32_input_warns_and_uses_float64():
    x = np.array([0.1, 0.2], dtype=np.float32)
    seen = []
    with pytest.warns(UserWarning, match="float32"):
        g = mn.numerical_gradient(lambda v: seen.append(v.dtype) or np.sum(v**3), x)
    assert set(seen) == {np.dtype(np.float64)}
    np.testing.assert_allclose(g, 3 * x.astype(np.float64) ** 2, rtol=1e-8)


def test_complex_input_is_refused():
    with pytest.raises(TypeError, match="complex"):
        mn.numerical_gradient(lambda v: np.sum(v), np.array([1 + 1j]))


def test_object_input_is_refused():
    with pytest.raises(TypeError, match="real numbers"):
        mn.numerical_gradient(lambda v: 0.0, np.array(["a", "b"]))


def test_nonfinite_x_is_refused():
    with pytest.raises(ValueError, match=r"non-finite.*\[1\]"):
        mn.numerical_gradient(np.sum, np.array([0.0, np.nan]))


# --- the caller's data ----------------------------------------------------------


def test_x_is_not_modified():
    x = RNG.standard_normal((3, 4))
    before = x.copy()
    mn.numerical_gradient(lambda w: np.sum(np.tanh(w)), x)
    mn.numerical_jacobian(np.tanh, x)
    mn.numerical_vjp(np.tanh, x, np.ones_like(x))
    np.testing.assert_array_equal(x, before)


def test_x_is_not_modified_when_f_raises_midway():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("boom")
        return np.sum(v**2)

    with pytest.raises(RuntimeError, match="boom") as info:
        mn.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)
    assert any("unchanged" in note for note in getattr(info.value, "__notes__", []))


def test_f_that_modifies_its_argument_is_reported():
    def f(v):
        v *= 1.0000001  # in place: the differences would be meaningless
        return np.sum(v)

    x = np.ones(3)
    with pytest.raises(ValueError, match="in-place"):
        mn.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, np.ones(3))


# --- bad output of f -------------------------------------------------------------


def test_gradient_of_a_vector_function_is_refused():
    with pytest.raises(ValueError, match="scalar.*shape \\(3,\\)"):
        mn.numerical_gradient(lambda v: v * 2, np.ones(3))


def test_size_one_array_output_is_not_a_scalar():
    with pytest.raises(ValueError, match="scalar"):
        mn.numerical_gradient(lambda v: np.sum(v, keepdims=True), np.ones(3))


def test_nan_at_x_is_an_error():
    def f(v):
        with np.errstate(invalid="ignore"):
            return np.sum(np.log(v))

    with pytest.raises(ValueError, match="non-finite"):
        mn.numerical_gradient(f, np.array([1.0, -1.0]))


def test_nan_within_the_step_names_the_entry():
    # sqrt is finite at 0 but NaN just left of it
    def f(v):
        with np.errstate(invalid="ignore"):
            return np.sum(np.sqrt(v))

    with pytest.raises(ValueError, match=r"entry i = \[2\]"):
        mn.numerical_gradient(f, np.array([1.0, 4.0, 0.0]))


def test_float32_output_is_refused():
    with pytest.raises(TypeError, match="float64"):
        mn.numerical_gradient(lambda v: np.float32(np.sum(v)), np.ones(2))


def test_complex_output_is_refused():
    with pytest.raises(TypeError, match="complex"):
        mn.numerical_gradient(lambda v: np.sum(v) + 1j, np.ones(2))


def test_output_shape_must_not_change():
    def f(v):
        return v[v > 0.5]

    with pytest.raises(ValueError, match="shape"):
        mn.numerical_jacobian(f, np.array([0.5, 1.0]))


def test_vjp_upstream_must_match_the_output():
    with pytest.raises(ValueError, match="upstream"):
        mn.numerical_vjp(lambda w: w @ X, W, np.ones((5, 3)))
    with pytest.raises(ValueError, match="upstream"):
        mn.numerical_vjp(lambda w: w @ X, W, np.full((3, 5), np.inf))


def test_f_must_be_callable():
    with pytest.raises(TypeError, match="f must be a function"):
        mn.numerical_gradient(np.ones(3), np.ones(3))


def test_value_objects_are_unwrapped():
    class Boxed:  # anything that keeps its result in .data, like mathnotes.Value
        def __init__(self, data):
            self.data = data

    g = mn.numerical_gradient(lambda v: Boxed(np.sum(v**2)), np.array([1.0, -1.0]))
    np.testing.assert_allclose(g, [2.0, -2.0], rtol=1e-9)


def test_an_empty_x_has_an_empty_derivative():
    x = np.zeros((0, 2))
    calls = []

    def f(v):
        calls.append(1)
        return np.array([1.0, 2.0, 3.0]) + v.sum()

    assert mn.numerical_gradient(lambda v: float(v.sum()), x).shape == (0, 2)
    J = mn.numerical_jacobian(f, x)
    assert J.shape == (3, 0, 2) and len(calls) == 1  # f is called once, at x, for its shape
    assert mn.numerical_vjp(f, x, np.ones(3)).shape == (0, 2)
