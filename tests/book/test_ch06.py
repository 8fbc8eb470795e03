"""The chapter-6 pictures in bookcode/ch06.py and the shapes picture of bookcode/figures.py."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from bookcode import ch06, figures  # noqa: E402
from mathnotes._figures import FigureRedrawer  # noqa: E402


# --- the shape picture --------------------------------------------------------


def test_plot_matmul_shapes_draws_one_cell_per_entry():
    fig = figures.plot_matmul_shapes((5, 3), (3, 10), names=("dD", "X^T", "dW"), title="shapes")
    (ax,) = fig.axes
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 5 * 3 + 3 * 10 + 5 * 10
    texts = [t.get_text() for t in ax.texts]
    assert {"dD", "X^T", "dW", "5 × 3", "3 × 10", "5 × 10", "3 columns", "3 rows"} <= set(texts)
    assert ax.get_title() == "shapes"


def test_plot_matmul_shapes_uses_given_axes():
    fig, ax = plt.subplots()
    assert figures.plot_matmul_shapes((2, 2), (2, 1), ax=ax) is fig
    plt.close(fig)


@pytest.mark.parametrize("left, right", [((5, 3), (4, 10)), ((5,), (5, 2)), ((0, 2), (2, 2))])
def test_plot_matmul_shapes_rejects_bad_shapes(left, right):
    with pytest.raises(ValueError):
        figures.plot_matmul_shapes(left, right)


def test_plot_matmul_shapes_rejects_a_size_that_is_not_an_integer():
    with pytest.raises(TypeError, match="left"):
        figures.plot_matmul_shapes((2.5, 3), (3, 1))


# --- the batch-sum picture ------------------------------------------------------


def test_plot_outer_product_sum_panels():
    rng = np.random.default_rng(0)
    X, dY = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    fig = ch06.plot_outer_product_sum(X, dY, 2)
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 3
    arrays = [ax.images[0].get_array() for ax in image_axes]
    np.testing.assert_allclose(arrays[0], np.outer(X[1], dY[1]))
    np.testing.assert_allclose(arrays[1], X[:2].T @ dY[:2])
    np.testing.assert_allclose(arrays[2], X.T @ dY)
    assert all(len(ax.texts) == 6 for ax in image_axes)
    plt.close(fig)


@pytest.mark.parametrize("upto, error", [(0, ValueError), (5, ValueError), (1.0, TypeError),
                                         (True, TypeError)])
def test_plot_outer_product_sum_rejects_bad_count(upto, error):
    with pytest.raises(error, match="upto"):
        ch06.plot_outer_product_sum(np.ones((4, 3)), np.ones((4, 2)), upto)


def test_plot_outer_product_sum_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="rows"):
        ch06.plot_outer_product_sum(np.ones((4, 3)), np.ones((3, 2)), 1)


def test_plot_outer_product_sum_numbers_from_one():
    rng = np.random.default_rng(0)
    fig = ch06.plot_outer_product_sum(rng.standard_normal((4, 3)), rng.standard_normal((4, 2)), 2)
    for ax in (ax for ax in fig.axes if ax.images):
        assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "3"]
    assert "example 2" in fig.axes[0].get_title()
    plt.close(fig)


def _batch():
    rng = np.random.default_rng(1)
    return rng.standard_normal((4, 3)), rng.standard_normal((4, 2))


def test_outer_product_sum_picture_update_shows_another_count():
    X, dY = _batch()
    picture = ch06.OuterProductSumPicture(X, dY)
    fig = picture.update(1)
    assert picture.update(3) is fig is picture.figure
    arrays = [ax.images[0].get_array() for ax in fig.axes]
    np.testing.assert_allclose(arrays[0], np.outer(X[2], dY[2]))
    np.testing.assert_allclose(arrays[1], X[:3].T @ dY[:3])
    np.testing.assert_allclose(arrays[2], X.T @ dY)
    assert fig.axes[0].get_title().startswith("example 3")
    assert fig.axes[1].texts[0].get_text() == f"{(X[:3, 0] @ dY[:3, 0]):.2f}"


def test_outer_product_sum_picture_has_one_colour_scale_for_every_count():
    X, dY = _batch()
    largest = max(max(np.abs(np.outer(x, dy)).max() for x, dy in zip(X, dY)),
                  max(np.abs(X[:n].T @ dY[:n]).max() for n in range(1, 5)))
    assert largest > np.abs(X.T @ dY).max()  # the full product alone would not fit them all
    fig = ch06.OuterProductSumPicture(X, dY).update(2)
    for ax in fig.axes:
        assert ax.images[0].get_clim() == pytest.approx((-largest, largest))


def test_outer_product_sum_picture_moves_are_blits_and_come_back():
    picture = ch06.OuterProductSumPicture(*_batch())
    redrawer = FigureRedrawer()
    start = redrawer.png(picture.update(2), kept=False)
    picture.update(4)
    assert not picture.figure.stale  # only animated artists changed
    moved = redrawer.png(picture.figure, kept=False)
    picture.update(2)
    assert not picture.figure.stale
    assert redrawer.png(picture.figure, kept=False) == start != moved


def test_outer_product_sum_picture_rejects_bad_count_on_update():
    picture = ch06.OuterProductSumPicture(*_batch())
    with pytest.raises(ValueError, match="upto"):
        picture.update(5)
