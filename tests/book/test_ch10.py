"""Tests of chapter 10's recurrent layers, BPTT, initialisation helpers, dropout, max-pooling
and figures (book/bookcode/ch10.py)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import mathnotes as mn
from bookcode import ch10
from mathnotes._figures import FigureRedrawer


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def rnn_arguments(rng, T=5, H=3, D=2):
    return {"xs": rng.standard_normal((T, D)), "h0": rng.standard_normal(H),
            "Wh": rng.standard_normal((H, H)) / 2, "Wx": rng.standard_normal((H, D)),
            "b": rng.standard_normal(H)}


def lstm_arguments(rng, T=4, H=3, D=2):
    return {"xs": rng.standard_normal((T, D)), "h0": rng.standard_normal(H),
            "c0": rng.standard_normal(H), "Uh": rng.standard_normal((4 * H, H)) / 2,
            "Ux": rng.standard_normal((4 * H, D)), "u": rng.standard_normal(4 * H)}


def traced_gradients(build, args, upstream):
    """The tracer's gradient of every argument of a recurrent ``build`` (xs one Value per step)."""
    values = {name: mn.Value(a) for name, a in args.items() if name != "xs"}
    inputs = [mn.Value(x) for x in args["xs"]]
    loss = mn.Value(0.0)
    for h, g in zip(build(inputs, *values.values()), upstream, strict=True):
        loss = loss + (h * g).sum()
    loss.backward()
    grads = {name: v.grad for name, v in values.items()}
    grads["xs"] = np.array([x.grad for x in inputs])
    return grads


# ------------------------------------------------------------------------------ vanilla RNN

@pytest.mark.parametrize("T, H, D", [(1, 2, 1), (5, 3, 2), (7, 4, 4)])
def test_rnn_backward_passes_check_for_every_argument(rng, T, H, D):
    args = rnn_arguments(rng, T, H, D)
    hs, cache = ch10.rnn_forward(**args)
    assert hs.shape == (T, H)
    dhs = rng.standard_normal(hs.shape)
    grads = ch10.rnn_backward(dhs, cache)
    assert sorted(grads) == sorted(args)
    assert all(grads[name].shape == np.shape(args[name]) for name in args)
    assert mn.check_arguments(lambda **a: ch10.rnn_forward(**a)[0], args, grads, upstream=dhs)


def test_rnn_traced_matches_the_hand_written_bptt(rng):
    args = rnn_arguments(rng)
    hs, cache = ch10.rnn_forward(**args)
    dhs = rng.standard_normal(hs.shape)
    hand = ch10.rnn_backward(dhs, cache)
    traced = traced_gradients(ch10.rnn_traced, args, dhs)
    assert all(np.allclose(traced[name], hand[name]) for name in hand)


@pytest.mark.parametrize("H", [1, 3])
def test_cells_as_one_operation_give_the_gradients_of_bptt(rng, H):
    args = rnn_arguments(rng, T=4, H=H, D=2)
    hs, cache = ch10.rnn_forward(**args)
    hand = ch10.rnn_backward(np.ones(hs.shape), cache)
    values = {name: mn.Value(a) for name, a in args.items() if name != "xs"}
    h, loss = values["h0"], mn.Value(0.0)
    for x in args["xs"]:
        h = ch10.rnn_cell_traced(h, mn.Value(x), values["Wh"], values["Wx"], values["b"])
        loss = loss + h.sum()
    loss.backward()
    assert all(np.allclose(values[name].grad, hand[name]) for name in values)
    assert [v.op for v in loss.topological_order()].count("cell") == 4


def test_a_scalar_cell_keeps_the_shapes_of_its_values():
    h = ch10.rnn_cell_traced(*(mn.Value(v) for v in (0.3, 0.5, 0.8, 1.5, 0.1)))
    h.backward()
    assert h.shape == () and all(v.shape == () for v in h.inputs)
    assert np.isclose(float(h.data), np.tanh(0.8 * 0.3 + 1.5 * 0.5 + 0.1))
    assert np.isclose(float(h.inputs[2].grad), (1 - float(h.data) ** 2) * 0.3)


@pytest.mark.parametrize("name, shape", [("h0", (3, 1)), ("Wh", (3, 2)), ("Wx", (2, 3)),
                                         ("b", (2,)), ("xs", (5,))])
def test_rnn_forward_names_the_argument_of_a_wrong_shape(rng, name, shape):
    args = rnn_arguments(rng, T=5, H=3, D=2)
    args[name] = np.zeros(shape)
    with pytest.raises(ValueError, match=name):
        ch10.rnn_forward(**args)


def test_rnn_forward_refuses_non_finite_values_and_keeps_the_callers_arrays(rng):
    args = rnn_arguments(rng)
    saved = {name: a.copy() for name, a in args.items()}
    hs, cache = ch10.rnn_forward(**args)
    ch10.rnn_backward(np.ones(hs.shape), cache)
    assert all(np.array_equal(args[name], saved[name]) for name in args)
    args["b"][0] = np.nan
    with pytest.raises(ValueError, match="b contains NaN"):
        ch10.rnn_forward(**args)


def test_rnn_backward_refuses_upstream_of_another_shape(rng):
    hs, cache = ch10.rnn_forward(**rnn_arguments(rng))
    with pytest.raises(ValueError, match="dhs must have the shape of the hidden states"):
        ch10.rnn_backward(np.ones((hs.shape[0] - 1, hs.shape[1])), cache)


# ------------------------------------------------------------------------------ truncation

def test_truncation_with_a_window_of_the_whole_sequence_is_full_bptt(rng):
    args = rnn_arguments(rng, T=6)
    hs, cache = ch10.rnn_forward(**args)
    dhs = rng.standard_normal(hs.shape)
    full = ch10.rnn_backward(dhs, cache)
    for window in (6, 10):
        truncated = ch10.rnn_truncated_gradients(*args.values(), dhs, window)
        assert sorted(truncated) == ["Wh", "Wx", "b"]
        assert all(np.allclose(truncated[name], full[name]) for name in truncated)


def test_truncation_adds_the_exact_gradients_of_each_chunk(rng):
    args = rnn_arguments(rng, T=7)
    dhs = rng.standard_normal((7, 3))
    expected = {name: 0.0 for name in ("Wh", "Wx", "b")}
    h = args["h0"]
    for chunk in (slice(0, 3), slice(3, 6), slice(6, 7)):
        hs, cache = ch10.rnn_forward(args["xs"][chunk], h, args["Wh"], args["Wx"], args["b"])
        grads = ch10.rnn_backward(dhs[chunk], cache)
        expected = {name: expected[name] + grads[name] for name in expected}
        h = hs[-1]
    truncated = ch10.rnn_truncated_gradients(*args.values(), dhs, window=3)
    assert all(np.allclose(truncated[name], expected[name]) for name in expected)
    full = ch10.rnn_backward(dhs, ch10.rnn_forward(**args)[1])
    assert not np.allclose(truncated["Wh"], full["Wh"])


def test_truncation_refuses_a_window_below_one(rng):
    args = rnn_arguments(rng)
    with pytest.raises(ValueError, match="window"):
        ch10.rnn_truncated_gradients(*args.values(), np.ones((5, 3)), 0)


# ------------------------------------------------------------------ products of Jacobians

def test_scaled_orthogonal_has_every_singular_value_equal_to_the_scale():
    W = ch10.scaled_orthogonal(6, 1.7, rng=3)
    assert np.allclose(np.linalg.svd(W, compute_uv=False), 1.7)
    assert np.array_equal(W, ch10.scaled_orthogonal(6, 1.7, rng=3))


def test_state_jacobian_norms_are_the_norms_of_the_products(rng):
    args = rnn_arguments(rng, T=5, H=3)
    hs, _ = ch10.rnn_forward(**args)
    norms = ch10.state_jacobian_norms(hs, args["Wh"])
    product = np.eye(3)
    for k, h in enumerate(hs[::-1], start=1):
        product = product @ np.diag(1 - h**2) @ args["Wh"]
        assert np.isclose(norms[k], np.linalg.norm(product, 2))
    assert norms[0] == 1.0 and norms.shape == (6,)
    assert np.allclose(ch10.state_jacobian_norms(hs, args["Wh"], at=[5, 2]), norms[[5, 2]])


def test_state_jacobian_norms_obey_the_bound_and_a_linear_network_reaches_it(rng):
    for scale in (0.7, 1.4):
        Wh = ch10.scaled_orthogonal(4, scale, rng=1)
        hs, _ = ch10.rnn_forward(rng.standard_normal((20, 2)), np.zeros(4), Wh,
                                 rng.standard_normal((4, 2)), np.zeros(4))
        k = np.arange(21)
        assert np.all(ch10.state_jacobian_norms(hs, Wh) <= scale**k * (1 + 1e-12))
        assert np.allclose(ch10.state_jacobian_norms(hs, Wh, linear=True), scale**k)


def test_state_jacobian_norms_refuse_steps_beyond_the_run(rng):
    hs = np.tanh(rng.standard_normal((3, 2)))
    with pytest.raises(ValueError, match="at asks for 4 steps back"):
        ch10.state_jacobian_norms(hs, np.eye(2), at=[4])
    with pytest.raises(ValueError, match="Wh must have shape"):
        ch10.state_jacobian_norms(hs, np.eye(3))


# ------------------------------------------------------------------------------------ LSTM

def test_lstm_cell_backward_passes_check_for_every_gate(rng):
    gates = [ch10.sigmoid(rng.standard_normal(3)) for _ in range(3)]
    gates.append(np.tanh(rng.standard_normal(3)))
    c_prev, dh, dc = rng.standard_normal((3, 3))
    grads = ch10.lstm_cell_backward(dh, dc, *gates, c_prev)
    assert mn.check_arguments(lambda *a: np.stack(ch10.lstm_cell(*a)), gates + [c_prev],
                              list(grads), upstream=np.stack([dh, dc]))


def test_lstm_backward_passes_check_and_matches_the_tracer(rng):
    args = lstm_arguments(rng)
    hs, cs, cache = ch10.lstm_forward(**args)
    assert hs.shape == cs.shape == (4, 3)
    dhs = rng.standard_normal(hs.shape)
    grads = ch10.lstm_backward(dhs, cache)
    assert sorted(grads) == sorted(args)
    assert mn.check_arguments(lambda **a: ch10.lstm_forward(**a)[0], args, grads, upstream=dhs)
    traced = traced_gradients(ch10.lstm_traced, args, dhs)
    assert all(np.allclose(traced[name], grads[name]) for name in grads)


def test_lstm_gates_split_the_pre_activation_in_the_documented_order():
    z = np.arange(-4.0, 4.0)             # H = 2: blocks i, f, o, candidate
    i, f, o, cand = ch10.lstm_gates(z)
    assert np.allclose(i, ch10.sigmoid(z[:2])) and np.allclose(f, ch10.sigmoid(z[2:4]))
    assert np.allclose(o, ch10.sigmoid(z[4:6])) and np.allclose(cand, np.tanh(z[6:]))


@pytest.mark.parametrize("name, shape", [("Uh", (3, 3)), ("Ux", (12, 3)), ("u", (3,)),
                                         ("c0", (2,))])
def test_lstm_forward_names_the_argument_of_a_wrong_shape(rng, name, shape):
    args = lstm_arguments(rng)
    args[name] = np.zeros(shape)
    with pytest.raises(ValueError, match="Wh|Wx|b" if name in ("Uh", "Ux", "u") else name):
        ch10.lstm_forward(**args)


def test_a_forget_gate_held_open_carries_the_cell_gradient(rng):
    H = 3
    args = lstm_arguments(rng, T=30, H=H)
    args["u"][H:2 * H] = 30.0           # the forget gate saturates at 1
    _, _, cache = ch10.lstm_forward(**args)
    dc = rng.standard_normal(H)
    dc_T = dc.copy()
    for step in reversed(cache):
        _, _, dc, *_ = ch10.lstm_step_backward(np.zeros(H), dc, step)
    assert np.allclose(dc, dc_T)        # the constant error carousel


# -------------------------------------------------------------------------------- clipping

def test_clipping_by_global_norm_keeps_the_direction(rng):
    grads = {"W": rng.standard_normal((3, 4)) * 10, "b": rng.standard_normal(4)}
    saved = {name: g.copy() for name, g in grads.items()}
    clipped, norm = ch10.clip_by_global_norm(grads, 1.0)
    assert np.isclose(norm, np.sqrt(sum(np.sum(g**2) for g in saved.values())))
    assert np.isclose(ch10.global_norm(clipped), 1.0)
    assert all(np.allclose(clipped[name] * norm, saved[name]) for name in saved)
    assert all(np.array_equal(grads[name], saved[name]) for name in saved)
    small, _ = ch10.clip_by_global_norm(clipped, 2.0)
    assert all(np.array_equal(small[name], clipped[name]) for name in saved)


def test_clipping_refuses_bad_arguments():
    with pytest.raises(TypeError, match="grads must be a dict"):
        ch10.clip_by_global_norm([np.ones(2)], 1.0)
    with pytest.raises(ValueError, match="threshold"):
        ch10.clip_by_global_norm({"a": np.ones(2)}, 0.0)
    with pytest.raises(ValueError, match=r"grads\['a'\] contains NaN"):
        ch10.clip_by_global_norm({"a": np.array([np.nan])}, 1.0)


# --------------------------------------------------------------------------------- dropout

def test_dropout_backward_passes_check_and_matches_the_tracer(rng):
    x = rng.standard_normal((3, 4))
    y, cache = ch10.dropout_forward(x, 0.6, rng=5)
    r, keep = cache
    assert np.allclose(y, x * r / 0.6) and keep == 0.6
    dy = rng.standard_normal(y.shape)
    dx = ch10.dropout_backward(dy, cache)
    assert mn.check_vjp(lambda x_: ch10.dropout_forward(x_, 0.6, rng=5)[0], dx, x, dy)
    value = mn.Value(x)
    (value * (r / keep)).backward(dy)
    assert np.allclose(value.grad, dx)


def test_dropout_keeps_the_mean_and_is_the_identity_at_inference(rng):
    x = rng.standard_normal(5)
    many, _ = ch10.dropout_forward(np.tile(x, (50000, 1)), 0.5, rng=1)
    assert np.allclose(many.mean(axis=0), x, atol=5 * np.abs(x).max() / np.sqrt(50000))
    y, (r, keep) = ch10.dropout_forward(x, 0.5, rng=1, train=False)
    assert np.array_equal(y, x) and r.all() and keep == 1.0
    assert np.array_equal(ch10.dropout_backward(x, (r, keep)), x)


@pytest.mark.parametrize("keep", [0.0, -0.1, 1.5])
def test_dropout_refuses_a_keep_probability_outside_0_1(keep):
    with pytest.raises(ValueError, match="keep"):
        ch10.dropout_forward(np.ones(3), keep, rng=0)


# ----------------------------------------------------------------------------- max-pooling

def test_maxpool_backward_passes_check_and_matches_the_tracer(rng):
    x = rng.standard_normal((2, 3, 4, 6))
    y, cache = ch10.maxpool_forward(x)
    assert y.shape == (2, 3, 2, 3)
    assert np.array_equal(y, x.reshape(2, 3, 2, 2, 3, 2).max(axis=(3, 5)))
    dy = rng.standard_normal(y.shape)
    dx = ch10.maxpool_backward(dy, cache)
    assert mn.check_vjp(lambda x_: ch10.maxpool_forward(x_)[0], dx, x, dy)
    value = mn.Value(x)
    ch10.maxpool_traced(value).backward(dy)
    assert np.allclose(value.grad, dx)


def test_maxpool_with_windows_of_three(rng):
    x = rng.standard_normal((1, 2, 6, 3))
    y, cache = ch10.maxpool_forward(x, size=3)
    assert y.shape == (1, 2, 2, 1)
    dy = rng.standard_normal(y.shape)
    assert mn.check_vjp(lambda x_: ch10.maxpool_forward(x_, 3)[0],
                        ch10.maxpool_backward(dy, cache), x, dy)


def test_maxpool_ties_go_to_the_first_maximum_or_are_shared():
    x = np.zeros((1, 1, 2, 4))
    x[0, 0, 1, 3] = 1.0                 # the second window has one maximum
    y, cache = ch10.maxpool_forward(x)
    dy = np.array([[[[4.0, 2.0]]]])
    first = ch10.maxpool_backward(dy, cache)
    split = ch10.maxpool_backward(dy, cache, ties="split")
    assert first[0, 0].tolist() == [[4.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]]
    assert split[0, 0].tolist() == [[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 2.0]]
    for routed in (first, split):
        result = mn.check_vjp(lambda x_: ch10.maxpool_forward(x_)[0], routed, x, dy)
        assert result and len(result.kinks) == 4
    value = mn.Value(x)
    ch10.maxpool_traced(value).backward(dy)
    assert np.array_equal(value.grad, split)


def test_maxpool_refuses_bad_arguments(rng):
    with pytest.raises(ValueError, match="4-d"):
        ch10.maxpool_forward(np.ones((4, 4)))
    with pytest.raises(ValueError, match="multiples of size = 2"):
        ch10.maxpool_forward(np.ones((1, 1, 3, 4)))
    _, cache = ch10.maxpool_forward(np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="ties"):
        ch10.maxpool_backward(np.ones((1, 1, 1, 1)), cache, ties="last")
    with pytest.raises(ValueError, match="dy must have shape"):
        ch10.maxpool_backward(np.ones((1, 1, 2, 2)), cache)


# -------------------------------------------------------------------------- initialisation

def test_layers_without_parameters_backpropagate_correctly(rng):
    X, dY = rng.standard_normal((2, 3, 4))
    for layer in (ch10.Tanh(), ch10.Identity()):
        Y = layer.forward(X)
        assert mn.check_vjp(lambda X_: type(layer)().forward(X_), layer.backward(dY), X, dY)
        assert layer.parameters() == layer.gradients() == {} and Y.shape == X.shape


def test_deep_stack_uses_the_rules_standard_deviations():
    net = ch10.deep_stack([4, 6, 3], "relu", "Glorot", rng=2)
    assert [type(layer).__name__ for layer in net.layers] == ["Linear", "ReLU"] * 2
    generator = np.random.default_rng(2)
    for layer, (n_in, n_out) in zip(net.layers[::2], [(4, 6), (6, 3)]):
        expected = np.sqrt(2 / (n_in + n_out)) * generator.standard_normal((n_in, n_out))
        assert np.array_equal(layer.W, expected)


@pytest.mark.parametrize("activation, rule, factor", [("linear", "LeCun", 1.0),
                                                      ("relu", "He", 1.0),
                                                      ("relu", "Glorot", 2**-0.5)])
def test_layer_statistics_follow_the_derived_factor(rng, activation, rule, factor):
    net = ch10.deep_stack([128] * 13, activation, rule, rng=4)
    X, dY = rng.standard_normal((2, 128, 128))
    acts, grads = ch10.layer_statistics(net, X, dY)
    assert acts.shape == grads.shape == (13,)
    assert abs((acts[-1] / acts[0]) ** (1 / 12) - factor) < 0.05
    assert abs((grads[0] / grads[-1]) ** (1 / 12) - factor) < 0.05


def test_deep_stack_refuses_unknown_choices():
    with pytest.raises(ValueError, match="activation must be one of"):
        ch10.deep_stack([2, 3], "sigmoid", "He")
    with pytest.raises(ValueError, match="rule one of"):
        ch10.deep_stack([2, 3], "relu", "Xavier-uniform")
    with pytest.raises(ValueError, match="at least one layer"):
        ch10.deep_stack([2], "relu", "He")


# -------------------------------------------------------------------------------- pictures

def test_step_norm_picture_updates_in_place_and_blits(rng):
    picture = ch10.StepNormPicture(["a", "b"], 10, ylabel="norm", ylim=(1e-3, 1e3))
    redrawer = FigureRedrawer()
    k = np.arange(11)
    first = redrawer.png(picture.update([0.5**k, 2.0**k], "one"), kept=False)
    fig = picture.update([0.9**k, 1.1**k], "two")
    assert fig is picture.figure and not fig.stale      # only animated artists moved
    assert np.allclose(fig.axes[0].lines[1].get_ydata(), 1.1**k)
    assert fig.axes[0].get_title() == "two" and fig.axes[0].get_ylim() == (1e-3, 1e3)
    assert redrawer.png(fig, kept=False) != first
    picture.update([0.5**k, 2.0**k], "one")
    assert redrawer.png(fig, kept=False) == first


def test_step_norm_picture_blitted_looks_as_drawn_whole():
    k = np.arange(8)

    def drawn(animated):
        fig = ch10.plot_step_norms({"a": 0.3**k, "b": 3.0**k}, ylabel="norm",
                                   ylim=(1e-6, 1e6), title="t")
        for artist in fig.findobj(lambda artist: artist.get_animated()):
            artist.set_animated(animated)
        return FigureRedrawer().png(fig, kept=False)

    assert drawn(True) == drawn(False)


def test_step_norm_pictures_refuse_bad_curves():
    with pytest.raises(ValueError, match="same number of steps"):
        ch10.plot_step_norms({"a": [1, 2], "b": [1, 2, 3]}, ylabel="n", ylim=(0.1, 10))
    with pytest.raises(TypeError, match="non-empty dict"):
        ch10.plot_step_norms([[1, 2]], ylabel="n", ylim=(0.1, 10))
    with pytest.raises(ValueError, match="ylim"):
        ch10.StepNormPicture(["a"], 3, ylabel="n", ylim=(0.0, 1.0))
    picture = ch10.StepNormPicture(["a"], 3, ylabel="n", ylim=(0.1, 10))
    with pytest.raises(ValueError, match="give 1 curves"):
        picture.update([np.ones(4), np.ones(4)])



def _fate_explorer(norms, **kwargs):
    picture = ch10.StepNormPicture(["bound", "network"], 6, ylabel="n", ylim=(1e-9, 1e9))
    k = np.arange(7)

    def draw(rho, inputs):
        return picture.update([rho**k, norms(rho, inputs)])

    return ch10.fate_explorer(draw, norms, **kwargs)


def test_fate_explorer_starts_where_told_and_says_what_the_norms_do():
    live = _fate_explorer(lambda rho, inputs: (rho * 0.5) ** np.arange(7), rho=1.0, inputs=0.5)
    assert live.defaults == {"rho": 1.0, "inputs": 0.5}
    for words in ("from 0 to 6", "rho = 1, level at 1", "scaled by 0.5", "ends at about 2e-02",
                  "the gradient vanishes over 6 steps"):
        assert words in live.alt, words


def test_fate_explorer_says_when_the_gradient_explodes():
    live = _fate_explorer(lambda rho, inputs: (0.9 * rho) ** np.arange(7), rho=2.0, inputs=0.1)
    assert "rising to about 6e+01" in live.alt and "the gradient explodes" in live.alt


@pytest.mark.parametrize("kwargs, exc, message", [
    ({"rho": 2.5}, ValueError, "rho must be between 0.5 and 2"),
    ({"inputs": -0.1}, ValueError, "inputs"),
    ({"norms": 3}, TypeError, "norms"),
    ({"norms": lambda rho, inputs: np.zeros(7)}, ValueError, "positive"),
])
def test_fate_explorer_rejects_bad_input(kwargs, exc, message):
    norms = kwargs.pop("norms", lambda rho, inputs: np.ones(7))
    with pytest.raises(exc, match=message):
        ch10.fate_explorer(lambda rho, inputs: None, norms, **kwargs)

def test_pictures_return_figures_and_leave_pyplot_alone(rng):
    before = plt.get_fignums()
    stats = {"a": (np.ones(4), np.ones(4)), "b": (0.5 ** np.arange(4), np.ones(4))}
    fig = ch10.plot_layer_statistics(stats)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    fig = ch10.plot_clipping([3.0, 1.0], 1.5)
    assert isinstance(fig, Figure) and len(fig.axes[0].texts) == 3   # the three arrows
    axes = Figure().subplots(1, 2)
    assert ch10.plot_step_norms({"a": np.ones(3)}, ylabel="n", ylim=(0.1, 10),
                                ax=axes[1]) is axes[1].figure
    assert ch10.plot_clipping([1.0, 2.0], 1.0, ax=axes[0]) is axes[0].figure
    assert plt.get_fignums() == before


def test_plot_clipping_draws_both_clipped_vectors():
    fig = ch10.plot_clipping([3.0, 1.0], 1.5)
    ends = [tuple(np.round(text.xy, 6)) for text in fig.axes[0].texts]
    by_norm = tuple(np.round(np.array([3.0, 1.0]) * 1.5 / np.sqrt(10), 6))
    assert ends == [(3.0, 1.0), by_norm, (1.5, 1.0)]


def test_plot_clipping_refuses_bad_arguments():
    with pytest.raises(ValueError, match="g must have shape"):
        ch10.plot_clipping([1.0, 2.0, 3.0], 1.0)
    with pytest.raises(ValueError, match="threshold"):
        ch10.plot_clipping([1.0, 2.0], -1.0)
    with pytest.raises(TypeError, match="stats must be"):
        ch10.plot_layer_statistics([])


def test_the_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(ch10)
    assert tried >= 5 and failures == 0
