"""Tests of the chapter-7 data set, training loop and pictures (bookcode/ch07.py)."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from PIL import Image

from bookcode import ch07, figures
from mathnotes import nn
from mathnotes._figures import FigureRedrawer


@pytest.fixture
def data():
    return ch07.make_spirals(20, 3, seed=0)


def test_train_two_layer_is_reproducible_and_lowers_the_loss(data):
    X, y = data
    net_a, losses_a = ch07.train_two_layer(X, y, hidden=16, steps=300, batch_size=20, seed=1)
    net_b, losses_b = ch07.train_two_layer(X, y, hidden=16, steps=300, batch_size=20, seed=1)
    assert losses_a.shape == (300,)
    assert np.array_equal(losses_a, losses_b)
    assert losses_a[-50:].mean() < losses_a[:50].mean()
    assert net_a.forward(X).shape == (60, 3)


def _train_with_layers(X, y, relu, *, hidden, lr, steps, batch_size, seed):
    """The chapter's loop, one layer call at a time, with every check of mathnotes.nn."""
    rng = np.random.default_rng(seed)
    first = nn.Linear(2, hidden, rng=rng)
    second = nn.Linear(hidden, int(y.max()) + 1, rng=rng)
    losses = []
    for _ in range(steps):
        rows = rng.choice(len(X), size=batch_size, replace=False)
        scores = second.forward(relu.forward(first.forward(X[rows])))
        loss, dscores = nn.softmax_cross_entropy(scores, y[rows])
        first.backward(relu.backward(second.backward(dscores)))
        first.update(lr)
        second.update(lr)
        losses.append(loss)
    return (first, second), np.array(losses)


class _ReLUWithoutMask(nn.ReLU):
    def backward(self, dY):
        return np.array(dY, dtype=np.float64)


@pytest.mark.parametrize("mask, relu", [(True, nn.ReLU), (False, _ReLUWithoutMask)])
def test_train_two_layer_matches_the_layers_to_the_last_bit(data, mask, relu):
    X, y = data
    settings = dict(hidden=8, lr=0.3, steps=40, batch_size=10, seed=3)
    net, losses = ch07.train_two_layer(X, y, mask_relu_gradient=mask, **settings)
    reference, reference_losses = _train_with_layers(X, y, relu(), **settings)
    assert np.array_equal(losses, reference_losses)
    for ours, theirs in zip(net.layers[::2], reference):
        assert np.array_equal(ours.W, theirs.W) and np.array_equal(ours.b, theirs.b)


def test_train_two_layer_does_not_change_the_data(data):
    X, y = data
    X0, y0 = X.copy(), y.copy()
    ch07.train_two_layer(X, y, steps=5, batch_size=4)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(hidden=0), ValueError),
        (dict(steps=1.5), TypeError),
        (dict(batch_size=1000), ValueError),
        (dict(lr=-1.0), ValueError),
        (dict(lr="fast"), TypeError),
    ],
)
def test_train_two_layer_rejects_bad_arguments(data, kwargs, error):
    X, y = data
    with pytest.raises(error):
        ch07.train_two_layer(X, y, **kwargs)


def test_decision_boundary_has_regions_and_one_scatter_per_class(data):
    X, y = data
    fig = ch07.plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y, resolution=20)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    regions = np.asarray(image.get_array())
    assert regions.shape == (20, 20)
    assert set(np.unique(regions).tolist()) == {0, 1}
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 3
    assert sum(len(s.get_offsets()) for s in scatters) == len(X)


def test_decision_boundary_accepts_scores(data):
    X, y = data
    fig = ch07.plot_decision_boundary(lambda P: np.column_stack([P[:, 1], -P[:, 1]]), X, y,
                                    resolution=10)
    image = [a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)][0]
    regions = np.asarray(image.get_array())
    assert np.all(regions[-1] == 0) and np.all(regions[0] == 1)  # top rows: y > 0, class 0


@pytest.mark.parametrize(
    "predict, X, y, error",
    [
        ("not callable", np.zeros((3, 2)), np.zeros(3, int), TypeError),
        (lambda P: P[:, 0], np.zeros((3, 3)), np.zeros(3, int), ValueError),
        (lambda P: P[:, 0], np.zeros((3, 2)), np.zeros(4, int), ValueError),
        (lambda P: P[:, 0], np.zeros((3, 2)), np.zeros(3), TypeError),
        (lambda P: P[:2, 0], np.zeros((3, 2)), np.zeros(3, int), ValueError),
    ],
)
def test_decision_boundary_rejects_bad_input(predict, X, y, error):
    with pytest.raises(error):
        ch07.plot_decision_boundary(predict, X, y, resolution=5)


def test_training_run_has_two_panels(data):
    X, y = data
    fig = ch07.plot_training_run(X, y, hidden=8, steps=50, batch_size=10, resolution=10)
    assert len(fig.axes) == 2
    assert "accuracy" in fig.axes[0].get_title()
    assert "50 steps" in fig.axes[1].get_title()
    assert len(fig.axes[1].lines) == 2
    low, high = fig.axes[1].get_ylim()
    _, losses = ch07.train_two_layer(X, y, hidden=8, steps=50, batch_size=10)
    assert low < losses.min() and losses.max() < high  # its axes fit its run


# the runs remembered by the widget

def _layers_run(X, y, hidden, lr, steps, batch_size=10, seed=0):
    first, second = _train_with_layers(X, y, nn.ReLU(), hidden=hidden, lr=lr, steps=steps,
                                       batch_size=batch_size, seed=seed)[0]
    return [first.W, first.b, second.W, second.b]


@pytest.mark.parametrize("mask, relu", [(True, nn.ReLU), (False, _ReLUWithoutMask)])
def test_runs_looked_up_or_resumed_equal_the_layers_to_the_last_bit(data, mask, relu,
                                                                     monkeypatch):
    X, y = data
    runs = ch07.TrainingRuns(X, y, batch_size=10, snapshot_every=20)
    trained = []
    sgd_steps = ch07._sgd_steps

    def counting(parameters, X, y, rows, *args):
        trained.append(len(rows))
        return sgd_steps(parameters, X, y, rows, *args)

    monkeypatch.setattr(ch07, "_sgd_steps", counting)
    for steps, new_steps in [(50, 50), (30, 10), (40, 0), (45, 5), (70, 20), (70, 0)]:
        trained.clear()
        parameters, losses = runs.train(8, 0.3, steps, mask_relu_gradient=mask)
        assert sum(trained) == new_steps  # a lookup, or from the snapshot before, or the rest
        layers, fresh = _train_with_layers(X, y, relu(), hidden=8, lr=0.3, steps=steps,
                                           batch_size=10, seed=0)
        assert np.array_equal(losses, fresh)
        reference = [array for layer in layers for array in (layer.W, layer.b)]
        assert all(np.array_equal(a, b) for a, b in zip(parameters, reference))


def test_runs_return_copies_and_read_only_losses(data):
    X, y = data
    runs = ch07.TrainingRuns(X, y, batch_size=10)
    parameters, losses = runs.train(4, 0.5, 30)
    parameters[0][...] = 0.0
    with pytest.raises(ValueError):
        losses[0] = 0.0
    assert np.array_equal(runs.train(4, 0.5, 30)[0][0], _layers_run(X, y, 4, 0.5, 30)[0])


def test_runs_keep_the_most_recently_used_and_share_batches_by_width(data):
    X, y = data
    runs = ch07.TrainingRuns(X, y, batch_size=10, max_runs=2)
    for rate in (0.1, 0.2, 0.1, 0.3):  # 0.2 is the least recently used when 0.3 comes
        runs.train(4, rate, 10)
    assert [key[1] for key in runs._runs] == [0.1, 0.3]
    assert len(runs._batches) == 1  # one width: its batches are drawn once
    runs.train(6, 0.1, 10)
    runs.train(8, 0.1, 10)
    assert sorted(runs._batches) == [6, 8]  # batches of a width no kept run uses are freed


@pytest.mark.parametrize(
    "kwargs, error",
    [(dict(seed=-1), ValueError), (dict(seed=np.random.default_rng(0)), TypeError),
     (dict(snapshot_every=0), ValueError), (dict(max_runs=1.5), TypeError)],
)
def test_runs_reject_bad_arguments(data, kwargs, error):
    X, y = data
    with pytest.raises(error):
        ch07.TrainingRuns(X, y, **kwargs)


# the widget's picture

@pytest.fixture
def picture(data):
    X, y = data
    runs = ch07.TrainingRuns(X, y, batch_size=10)
    return ch07.TrainingRunPicture(runs, max_steps=300, loss_limits=(1e-4, 1e2), resolution=20)


def _pixels(redrawer, fig):
    return np.asarray(Image.open(io.BytesIO(redrawer.png(fig, kept=False))))


def test_picture_update_returns_the_same_figure_and_moves_only_animated_artists(picture):
    redrawer = FigureRedrawer()
    fig = picture.update(8, 0.5, 200)
    start = _pixels(redrawer, fig)  # the first, full draw
    regions, losses = fig.axes
    image = regions.images[0]
    before = (np.array(image.get_array()), regions.get_title(), losses.get_title(),
              losses.lines[0].get_xdata().size, losses.get_xlim(), losses.get_ylim())
    assert picture.update(16, 1.0, 100) is fig
    assert not fig.stale  # nothing but animated artists moved: the next picture is a blit
    assert image.get_animated() and all(line.get_animated() for line in losses.lines)
    assert not np.array_equal(image.get_array(), before[0])
    assert regions.get_title() != before[1] and "hidden=16, lr=1" in regions.get_title()
    assert losses.get_title() == "loss during training: 100 steps" != before[2]
    assert losses.lines[0].get_xdata().size == 100 != before[3]
    assert (losses.get_xlim(), losses.get_ylim()) == before[4:]  # fixed axes
    moved = _pixels(redrawer, fig)
    assert moved.shape == start.shape and not np.array_equal(moved, start)
    picture.update(8, 0.5, 200)
    assert np.array_equal(_pixels(redrawer, fig), start)  # back where it started


def test_picture_draws_the_run_it_names(data, picture):
    X, y = data
    fig = picture.update(8, 0.5, 120)
    net, losses = ch07.train_two_layer(X, y, hidden=8, lr=0.5, steps=120, batch_size=10)
    regions, loss_axes = fig.axes
    assert np.array_equal(loss_axes.lines[0].get_ydata(), losses)
    accuracy = np.mean(net.forward(X).argmax(axis=1) == y)
    assert regions.get_title().endswith(f"accuracy {accuracy:.1%}")
    _, _, grid = ch07._grid(X, 20, 0.2)
    expected = net.forward(grid).argmax(axis=1).reshape(20, 20)
    assert np.array_equal(regions.images[0].get_array(), expected)


def test_picture_refuses_more_steps_than_its_axis(picture):
    with pytest.raises(ValueError, match="max_steps"):
        picture.update(8, 0.5, 301)


def test_picture_keeps_the_look_of_the_static_figure(data, picture):
    # the live picture (the background, then the animated artists in tree order) and the
    # static one (every artist in z-order) are the same picture: the points and the frame
    # are animated too, so that they are drawn over the regions
    fig = picture.update(8, 0.5, 200)
    fig.set_dpi(200)
    for _ in range(3):  # the constrained layout moves the axes by a pixel in its first draws
        FigureCanvasAgg(fig).draw()
    fig.set_layout_engine("none")  # then it stays, whichever way the figure is drawn
    FigureRedrawer(dpi=100).png(fig, kept=False)
    live = np.array(fig.canvas.buffer_rgba())  # the whole canvas
    buffer = io.BytesIO()
    fig.savefig(buffer, format="rgba", dpi=fig.dpi)  # the whole figure, no trimming
    static = np.frombuffer(buffer.getvalue(), np.uint8).reshape(live.shape)
    assert np.array_equal(live, static)


def test_picture_ticks_never_collide():
    # the chapter's widget at its size, in the book's style: the fixed axes of its loss panel
    X, y = ch07.make_spirals(100, 3, seed=0)
    with matplotlib.rc_context(figures.BOOK_STYLE):
        runs = ch07.TrainingRuns(X, y)
        fig = ch07.TrainingRunPicture(runs, max_steps=3000, loss_limits=(1e-4, 1e2)).update(
            32, 0.5, 100)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
    losses = fig.axes[1]
    for axis, labels in ((0, losses.get_xticklabels()), (1, losses.get_yticklabels())):
        low, high = (losses.get_xlim(), losses.get_ylim())[axis]
        boxes = [t.get_window_extent(renderer) for t in labels
                 if t.get_text() and low <= t.get_position()[axis] <= high]
        assert len(boxes) >= 3
        half_letter = 0.5 * 8.0 * fig.dpi / 72
        starts = sorted((box.x0, box.x1) if axis == 0 else (box.y0, box.y1) for box in boxes)
        assert all(b[0] - a[1] >= half_letter for a, b in zip(starts, starts[1:]))


# the spirals data set

def test_spirals_shapes_labels_and_dtype():
    X, y = ch07.make_spirals(40, 4, seed=3)
    assert X.shape == (160, 2) and X.dtype == np.float64
    assert y.shape == (160,) and np.issubdtype(y.dtype, np.integer)
    assert np.array_equal(np.bincount(y), [40, 40, 40, 40])


def test_spirals_are_reproducible_and_depend_on_the_seed():
    a, _ = ch07.make_spirals(30, seed=7)
    b, _ = ch07.make_spirals(30, seed=7)
    c, _ = ch07.make_spirals(30, seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_spiral_radii_run_from_centre_to_one():
    X, y = ch07.make_spirals(25, 2, noise=0.5, seed=0)
    for k in range(2):
        radius = np.hypot(*X[y == k].T)
        assert np.allclose(radius, np.linspace(0, 1, 25))


def test_noise_free_arms_are_rotations_of_each_other():
    X, y = ch07.make_spirals(10, 3, noise=0.0)
    turn = 2 * np.pi / 3
    R = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    assert np.allclose(X[y == 0] @ R.T, X[y == 1])


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(n_per_class=1), ValueError),
        (dict(n_per_class=2.5), TypeError),
        (dict(n_classes=1), ValueError),
        (dict(n_classes=True), TypeError),
        (dict(noise=-0.1), ValueError),
        (dict(noise=float("nan")), ValueError),
        (dict(turns="one"), TypeError),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error):
    with pytest.raises(error):
        ch07.make_spirals(**kwargs)


def test_explorer_sliders_start_at_the_run_and_redraw_on_release():
    sliders = ch07.explorer_sliders(hidden=8, lr=0.25, steps=300)
    assert {name: s.value for name, s in sliders.items()} == {"hidden": 8, "lr": 0.25,
                                                              "steps": 300}
    assert not any(s.continuous_update for s in sliders.values())


def test_training_explorer_starts_at_its_sliders_and_says_so_in_its_alt_text(picture):
    sliders = ch07.explorer_sliders(hidden=4, lr=0.5, steps=200)
    live = ch07.training_explorer(picture.update, sliders)
    assert live.defaults == {"hidden": 4, "lr": 0.5, "steps": 200}
    assert "with 4 hidden units trained for 200 steps at learning rate 0.5" in live.alt
