"""Tests of chapter 8's layers, reference loops, traced versions and figures (book/bookcode/ch08.py)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import mathnotes as mn
from bookcode import ch08
from mathnotes._figures import FigureRedrawer, png_bytes

CONV_SETTINGS = [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)]


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ------------------------------------------------------------------------------ broadcasting

@pytest.mark.parametrize("shape, full", [((3,), (4, 3)), ((4, 1), (4, 3)), ((), (4, 3)),
                                         ((2, 1, 3), (2, 4, 3)), ((1, 1), (2, 4, 3))])
def test_unbroadcast_is_the_backward_of_a_broadcast(rng, shape, full):
    a, C, G = rng.standard_normal(shape), rng.standard_normal(full), rng.standard_normal(full)
    da = ch08.unbroadcast(G * C, shape)
    assert da.shape == shape
    assert mn.check_vjp(lambda a_: a_ * C, da, a, G)


def test_unbroadcast_refuses_a_shape_that_does_not_broadcast():
    for shape in [(2,), (3, 3), (2, 4, 3)]:
        with pytest.raises(ValueError, match="does not broadcast"):
            ch08.unbroadcast(np.ones((4, 3)), shape)


def test_embedding_backward_adds_repeated_indices(rng):
    E = rng.standard_normal((5, 2))
    tokens = np.array([[3, 3, 0], [3, 1, 0]])
    dY = rng.standard_normal((2, 3, 2))
    dE = ch08.embedding_backward(dY, tokens, len(E))
    expected = np.zeros_like(E)
    for position, token in np.ndenumerate(tokens):
        expected[token] += dY[position]
    assert np.allclose(dE, expected)
    assert mn.check_vjp(lambda E_: E_[tokens], dE, E, dY)


# ------------------------------------------------------------------------------ normalising

@pytest.mark.parametrize("axis", [0, -1])
def test_normalize_backward_passes_check_for_every_input(rng, axis):
    x = rng.standard_normal((5, 4)) * 3 + 1
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    y, cache = ch08.normalize_forward(x, gamma, beta, axis)
    assert np.allclose(((y - beta) / gamma).mean(axis=axis), 0)
    dy = rng.standard_normal(y.shape)
    grads = ch08.normalize_backward(dy, cache)
    assert mn.check_arguments(lambda x_, g_, b_: ch08.normalize_forward(x_, g_, b_, axis)[0],
                              [x, gamma, beta], list(grads), upstream=dy)


def test_normalize_backward_notices_a_wrong_axis(rng):
    x = rng.standard_normal((4, 4))
    y, cache = ch08.normalize_forward(x, np.ones(4), np.zeros(4), axis=0)
    dy = rng.standard_normal(y.shape)
    wrong = ch08.normalize_backward(dy, cache[:3] + (-1,))[0]
    assert not mn.check_vjp(lambda x_: ch08.normalize_forward(x_, np.ones(4), np.zeros(4), 0)[0],
                            wrong, x, dy)


# ------------------------------------------------------------------------------ convolution

@pytest.fixture
def conv_inputs(rng):
    return rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)


@pytest.mark.parametrize("stride, pad", CONV_SETTINGS)
def test_conv_forward_and_backward_match_the_loops(rng, conv_inputs, stride, pad):
    x, w, b = conv_inputs
    out, cache = ch08.conv2d_forward(x, w, b, stride, pad)
    naive = ch08.conv2d_naive(x, w, b, stride, pad)
    assert out.shape == naive.shape and np.allclose(out, naive)
    dout = rng.standard_normal(out.shape)
    for fast, slow in zip(ch08.conv2d_backward(dout, cache),
                          ch08.conv2d_naive_backward(dout, x, w, stride, pad), strict=True):
        assert fast.shape == slow.shape and np.allclose(fast, slow)


@pytest.mark.parametrize("stride, pad", CONV_SETTINGS)
def test_conv_backward_passes_check_vjp(rng, conv_inputs, stride, pad):
    x, w, b = conv_inputs
    out, cache = ch08.conv2d_forward(x, w, b, stride, pad)
    dout = rng.standard_normal(out.shape)
    assert mn.check_arguments(lambda x_, w_, b_: ch08.conv2d_forward(x_, w_, b_, stride, pad)[0],
                              [x, w, b], list(ch08.conv2d_backward(dout, cache)), upstream=dout)


@pytest.mark.parametrize("stride, pad", CONV_SETTINGS)
def test_col2im_is_the_adjoint_of_im2col(rng, stride, pad):
    x = rng.standard_normal((2, 3, 7, 6))
    cols = ch08.im2col(x, 3, 2, stride, pad)
    G = rng.standard_normal(cols.shape)
    assert np.isclose(np.sum(ch08.col2im(G, x.shape, 3, 2, stride, pad) * x), np.sum(G * cols))


@pytest.mark.parametrize("stride, pad", CONV_SETTINGS)
def test_input_gradient_is_a_transposed_convolution(rng, conv_inputs, stride, pad):
    x, w, b = conv_inputs
    out, cache = ch08.conv2d_forward(x, w, b, stride, pad)
    dout = rng.standard_normal(out.shape)
    dx = ch08.conv2d_backward(dout, cache)[0]
    assert np.allclose(ch08.conv_input_gradient_transposed(dout, w, x.shape, stride, pad), dx)


@pytest.mark.parametrize("kernel, stride, pad", [((2, 3), 1, 2), ((2, 2), 2, 3), ((1, 3), 1, 3),
                                                  ((3, 2), 3, 4)])
def test_input_gradient_is_a_transposed_convolution_when_the_padding_exceeds_the_kernel(
        rng, kernel, stride, pad):
    """pad >= kh (or kw) makes the full padding k - 1 - pad negative: it crops instead."""
    x = rng.standard_normal((2, 3, 5, 6))
    w = rng.standard_normal((4, 3) + kernel)
    out, cache = ch08.conv2d_forward(x, w, np.zeros(4), stride, pad)
    dout = rng.standard_normal(out.shape)
    dx = ch08.conv2d_backward(dout, cache)[0]
    assert np.allclose(dx, ch08.conv2d_naive_backward(dout, x, w, stride, pad)[0])
    assert np.allclose(ch08.conv_input_gradient_transposed(dout, w, x.shape, stride, pad), dx)


@pytest.mark.parametrize("stride, pad", CONV_SETTINGS)
def test_input_gradient_is_a_transposed_convolution_for_a_kernel_that_is_not_square(
        rng, stride, pad):
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    out, cache = ch08.conv2d_forward(x, w, np.zeros(4), stride, pad)
    dout = rng.standard_normal(out.shape)
    dx = ch08.conv2d_backward(dout, cache)[0]
    assert np.allclose(ch08.conv_input_gradient_transposed(dout, w, x.shape, stride, pad), dx)


def test_im2col_rows_are_the_patches():
    pixels = np.arange(16.0).reshape(1, 1, 4, 4)
    cols = ch08.im2col(pixels, 3, 3)
    assert cols.shape == (4, 9)
    assert cols[0].tolist() == [0, 1, 2, 4, 5, 6, 8, 9, 10]
    assert cols[3].tolist() == [5, 6, 7, 9, 10, 11, 13, 14, 15]


# ------------------------------------------------------------------------------- attention

@pytest.mark.parametrize("causal", [False, True])
def test_attention_backward_passes_check_vjp(rng, causal):
    Q, K = rng.standard_normal((2, 5, 4))
    V = rng.standard_normal((5, 3))
    out, cache = ch08.attention_forward(Q, K, V, causal)
    dO = rng.standard_normal(out.shape)
    grads = ch08.attention_backward(dO, cache)
    assert [g.shape for g in grads] == [Q.shape, K.shape, V.shape]
    assert mn.check_arguments(lambda q, k, v: ch08.attention_forward(q, k, v, causal)[0],
                              [Q, K, V], list(grads), upstream=dO)


def test_causal_mask_stops_the_gradient_to_later_tokens(rng):
    Q, K, V = rng.standard_normal((3, 6, 4))
    _, cache = ch08.attention_forward(Q, K, V, causal=True)
    assert np.all(np.triu(cache[3], k=1) == 0)
    dO = np.zeros((6, 4))
    dO[2] = 1.0
    _, dK, dV = ch08.attention_backward(dO, cache)
    assert np.all(dK[3:] == 0) and np.all(dV[3:] == 0) and np.all(np.abs(dV[:3]).sum(axis=1) > 0)


# ---------------------------------------------------------------------------------- traced

def traced_grads(build, arrays, upstream):
    values = [mn.Value(a) for a in arrays]
    out = build(*values)
    out.backward(upstream)
    return out.data, [v.grad for v in values]


@pytest.mark.parametrize("stride, pad", [(1, 0), (2, 1)])
def test_traced_convolution_matches(rng, conv_inputs, stride, pad):
    x, w, b = conv_inputs
    out, cache = ch08.conv2d_forward(x, w, b, stride, pad)
    dout = rng.standard_normal(out.shape)
    out_t, grads_t = traced_grads(lambda *v: ch08.conv2d_traced(*v, stride, pad), [x, w, b], dout)
    assert np.allclose(out_t, out)
    hand = ch08.conv2d_backward(dout, cache)
    assert all(np.allclose(t, h) for t, h in zip(grads_t, hand, strict=True))


@pytest.mark.parametrize("axis", [0, -1])
def test_traced_normalisation_matches(rng, axis):
    x, gamma, beta = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal(3)
    y, cache = ch08.normalize_forward(x, gamma, beta, axis)
    dy = rng.standard_normal(y.shape)
    out_t, grads_t = traced_grads(lambda *v: ch08.normalize_traced(*v, axis), [x, gamma, beta], dy)
    assert np.allclose(out_t, y)
    hand = ch08.normalize_backward(dy, cache)
    assert all(np.allclose(t, h) for t, h in zip(grads_t, hand, strict=True))


@pytest.mark.parametrize("causal", [False, True])
def test_traced_attention_matches(rng, causal):
    Q, K, V = rng.standard_normal((3, 5, 4))
    out, cache = ch08.attention_forward(Q, K, V, causal)
    dO = rng.standard_normal(out.shape)
    out_t, grads_t = traced_grads(lambda *v: ch08.attention_traced(*v, causal), [Q, K, V], dO)
    assert np.allclose(out_t, out)
    hand = ch08.attention_backward(dO, cache)
    assert all(np.allclose(t, h) for t, h in zip(grads_t, hand, strict=True))


@pytest.mark.parametrize("gap", [800.0, 2000.0])
def test_traced_attention_survives_a_masked_score_far_above_the_allowed_ones(gap):
    """A masked score larger than every allowed one of its row by more than about 745 (where
    exp underflows in float64) must not decide the shift: the allowed weights stay finite."""
    Q = np.array([[1.0], [0.5], [-0.3]]) * np.sqrt(gap)
    K = np.array([[-1.0], [1.0], [0.2]]) * np.sqrt(gap)
    V = np.arange(6.0).reshape(3, 2)
    S = Q @ K.T
    assert S[0, 1] - S[0, 0] >= gap        # query 0's masked key 1 scores far above key 0
    out, cache = ch08.attention_forward(Q, K, V, causal=True)
    dO = np.ones_like(out)
    out_t, grads_t = traced_grads(lambda *v: ch08.attention_traced(*v, causal=True), [Q, K, V],
                                  dO)
    assert np.all(np.isfinite(out_t)) and np.allclose(out_t, out)
    assert np.allclose(out_t[0], V[0])      # query 0 may look at key 0 only
    hand = ch08.attention_backward(dO, cache)
    assert all(np.allclose(t, h) for t, h in zip(grads_t, hand, strict=True))


# ---------------------------------------------------------------------------------- figures

def test_plot_im2col_draws_one_coloured_row_per_patch():
    fig = ch08.plot_im2col(size=5, kernel=3, stride=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    n_patches = ch08.conv_output_size(5, 3, 2, 0) ** 2
    assert "4 rows" in fig.axes[1].get_title() and n_patches == 4
    assert len(fig.axes[1].texts) == n_patches * 9


def test_figures_draw_into_given_axes_without_pyplot(rng):
    before = plt.get_fignums()
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert ch08.plot_im2col(ax=axes) is fig
    P = ch08.softmax_rows(rng.standard_normal((4, 4)))
    assert ch08.plot_attention_gradient(P, np.ones((4, 2)), np.ones((4, 2)), 1, ax=axes) is fig
    assert plt.get_fignums() == before


def test_plot_attention_gradient_numbers_positions_from_one(rng):
    P = ch08.softmax_rows(rng.standard_normal((4, 4)))
    fig = ch08.plot_attention_gradient(P, np.ones((4, 2)), np.ones((4, 2)), 0)
    ax_p, panel = fig.axes
    (ax_g,) = panel.child_axes  # the bar chart is an inset filling the right panel
    assert [t.get_text() for t in ax_p.get_xticklabels()] == ["1", "2", "3", "4"]
    assert [t.get_text() for t in ax_g.get_xticklabels()] == ["1", "2", "3", "4"]
    assert "row 1 marked" in ax_p.get_title() and "query 1's" in ax_g.get_title()



def _attention_states(rng, T=5):
    """(P, dK, dV) when only one query's output has a gradient, for each query and mask."""
    Q, K, V = (rng.standard_normal((T, 3)) for _ in range(3))
    states = {}
    for causal in (True, False):
        _, cache = ch08.attention_forward(Q, K, V, causal)
        for query in range(T):
            dO = np.zeros((T, 3))
            dO[query] = 1.0
            _, dK, dV = ch08.attention_backward(dO, cache)
            states[query, causal] = cache[3], dK, dV
    return states


def test_attention_picture_update_moves_what_the_state_changes(rng):
    states = _attention_states(rng)
    picture = ch08.AttentionGradientPicture(5)
    fig = picture.update(*states[0, True], 0)
    P, dK, dV = states[3, False]
    assert picture.update(P, dK, dV, 3) is fig is picture.figure
    ax_p, _ = fig.axes
    np.testing.assert_array_equal(ax_p.images[0].get_array(), P)
    (row,) = ax_p.patches
    assert row.get_y() == 2.5 and "row 4 marked" in ax_p.get_title()
    heights = [bar.get_height() for bar in picture.bar_axes.patches]
    np.testing.assert_allclose(heights, np.r_[np.linalg.norm(dK, axis=1),
                                              np.linalg.norm(dV, axis=1)])
    assert picture.bar_axes.lines[0].get_xdata()[0] == 3.5
    assert "query 4's" in picture.bar_axes.get_title()
    # the y-axis fits the tallest bar of this state, as a new figure's would
    assert picture.bar_axes.get_ylim() == pytest.approx((0, 1.05 * max(heights)))
    new_figure = ch08.plot_attention_gradient(P, dK, dV, 3)
    assert picture.bar_axes.get_xlim() == new_figure.axes[1].child_axes[0].get_xlim()


def test_attention_picture_moves_are_blits_and_come_back(rng):
    states = _attention_states(rng)
    picture = ch08.AttentionGradientPicture(5)
    redrawer = FigureRedrawer()
    start = redrawer.png(picture.update(*states[1, True], 1), kept=False)
    for query, causal in ((4, True), (0, False)):
        picture.update(*states[query, causal], query)
        assert not picture.figure.stale  # only animated artists changed: a blit
        moved = redrawer.png(picture.figure, kept=False)
    picture.update(*states[1, True], 1)
    assert not picture.figure.stale
    assert redrawer.png(picture.figure, kept=False) == start != moved


def test_attention_picture_blitted_looks_as_drawn_whole(rng):
    # the animated artists are drawn last, in the order they were made: the frame must still
    # lie over the heat map and the outline
    states = _attention_states(rng)

    def drawn(animated):
        fig = ch08.plot_attention_gradient(*states[2, True], 2)
        for artist in fig.findobj(lambda artist: artist.get_animated()):
            artist.set_animated(animated)
        return FigureRedrawer().png(fig, kept=False)

    assert drawn(True) == drawn(False)


def test_a_saved_attention_picture_has_its_bar_chart(rng):
    picture = ch08.AttentionGradientPicture(5)
    fig = picture.update(*_attention_states(rng)[2, True], 2)
    saved = png_bytes(fig)
    picture.bar_axes.set_visible(False)
    assert png_bytes(fig) != saved