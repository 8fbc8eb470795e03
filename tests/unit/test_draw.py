"""Circuit drawings: one patch per node, deterministic pictures, layout properties, options,
and drawing leaves the tracer as it was."""

import doctest
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

import mathnotes as mn  # noqa: E402
import mathnotes.circuit._render as draw_module  # noqa: E402
from mathnotes import Value  # noqa: E402
from mathnotes.circuit._graph import Circuit  # noqa: E402
from mathnotes.circuit._layout import circuit_layout  # noqa: E402
from mathnotes.circuit._render import FORWARD_COLOUR, GRADIENT_COLOUR, HIGHLIGHT_COLOUR  # noqa: E402


def circuit():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, (x, y, z, q)


def neuron():
    w0, x0, w1, x1, w2 = (Value(v, label=name) for v, name in
                          [(2.0, "w0"), (-1.0, "x0"), (-3.0, "w1"), (-2.0, "x1"), (-3.0, "w2")])
    out = (w0 * x0 + w1 * x1 + w2).sigmoid()
    out.label = "out"
    return out


def staged():
    x, y = Value(3.0, label="x"), Value(-4.0, label="y")
    num = x + y.sigmoid()
    den = x.sigmoid() + (x + y) ** 2
    f = num / den
    f.label = "f"
    return f


def mlp(sizes=(3, 6, 6, 1), seed=0):
    """A network of scalar neurons, as in micrograd: about 200 nodes for the default sizes."""
    rng = np.random.default_rng(seed)
    layer = [Value(v, label=f"x{i}") for i, v in enumerate(rng.normal(size=sizes[0]))]
    for n_in, n_out in zip(sizes, sizes[1:]):
        new = []
        for _ in range(n_out):
            total = Value(0.0)
            for inp in layer:
                total = total + Value(rng.normal()) * inp
            new.append(total.tanh())
        layer = new
    return layer[0]


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


def node_patches(fig):
    patches = fig.axes[0].patches
    values = [p for p in patches if (p.get_gid() or "").startswith("value-")]
    ops = [p for p in patches if (p.get_gid() or "").startswith("op-")]
    return values, ops


def texts(fig):
    return [t for t in fig.axes[0].texts]


@pytest.mark.parametrize("build", [circuit, neuron, staged, mlp], ids=lambda b: b.__name__)
def test_one_patch_per_value_and_per_operation(build):
    out = build() if build is not mlp else mlp((3, 4, 4, 1))
    out = out[0] if isinstance(out, tuple) else out
    out.backward()
    fig = mn.draw(out)
    values, ops = node_patches(fig)
    graph = out.topological_order()
    assert len(values) == len(graph)
    assert len(ops) == sum(1 for v in graph if v.inputs)
    assert all(isinstance(p, FancyBboxPatch) for p in values)
    assert all(isinstance(p, Circle) for p in ops)
    assert sorted(p.get_gid() for p in values) == sorted(f"value-{i}" for i in range(len(graph)))


@pytest.mark.parametrize("build", [circuit, staged, mlp], ids=lambda b: b.__name__)
def test_same_graph_same_picture(build):
    def picture():
        out = build() if build is not mlp else mlp((3, 4, 4, 1))
        out = out[0] if isinstance(out, tuple) else out
        out.backward()
        return png(mn.draw(out, title="t"))

    assert picture() == picture()


def test_figure_is_not_managed_by_pyplot_and_has_a_png_repr():
    f, _ = circuit()
    before = plt.get_fignums()
    fig = mn.draw(f)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before
    data, _ = fig._repr_png_()
    assert data.startswith(b"\x89PNG")
    assert repr(fig) == "<CircuitFigure: 5 values, 2 operations>"


@pytest.mark.parametrize("build", [circuit, neuron, staged], ids=lambda b: b.__name__)
def test_book_graphs_have_fewest_crossings(build):
    out = build()
    out = out[0] if isinstance(out, tuple) else out
    # the staged computation cannot be drawn in these columns without one crossing
    # (x feeds three operations, y two; checked by trying every order)
    expected = 1 if build is staged else 0
    assert circuit_layout(Circuit(out)).crossings() == expected


@pytest.mark.parametrize("build", [circuit, neuron, staged], ids=lambda b: b.__name__)
def test_inputs_sit_next_to_their_first_use(build):
    out = build()
    out = out[0] if isinstance(out, tuple) else out
    layout = circuit_layout(Circuit(out))
    column = {}
    for n in layout.nodes:
        if n.kind in ("value", "op"):
            column[(n.kind, n.value)] = n.rank
    for v in out.topological_order():
        if not v.inputs:
            users = [c for c in out.topological_order() if v in c.inputs]
            assert column[("value", v)] == min(column[("op", c)] for c in users) - 1


def test_layout_nodes_in_a_column_do_not_overlap():
    out = staged()
    layout = circuit_layout(Circuit(out))
    for col in layout.columns:
        ordered = sorted(col, key=lambda n: -n.y)
        for a, b in zip(ordered, ordered[1:]):
            assert a.y - a.height / 2 >= b.y + b.height / 2 - 1e-9


def test_values_and_gradients_in_two_colours_with_a_legend():
    f, (x, y, z, q) = circuit()
    f.backward()
    fig = mn.draw(f, fmt="{:.1f}")
    strings = {(t.get_text(), t.get_color()) for t in texts(fig)}
    assert ("-12.0", FORWARD_COLOUR) in strings
    assert (f"{float(z.grad):.1f}", GRADIENT_COLOUR) in strings
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["forward value", "gradient of f"]


def test_forward_only_has_no_gradient_text():
    f, _ = circuit()
    f.backward()
    fig = mn.draw(f, show_grad=False)
    assert all(t.get_color() != GRADIENT_COLOUR for t in texts(fig))
    assert len(fig.axes[0].get_legend().get_texts()) == 1


def test_fan_out_wires_carry_their_share_of_the_gradient():
    x = Value(3.0, label="x")
    a = x * 2.0
    b = x.exp()
    out = a + b
    out.backward()
    grads = [v.grad and float(v.grad) for v in out.topological_order()]
    fig = mn.draw(out)
    assert [v.grad and float(v.grad) for v in out.topological_order()] == grads  # unchanged
    gradient_texts = [t.get_text() for t in texts(fig) if t.get_color() == GRADIENT_COLOUR]
    fmt = "{:.3g}"
    assert fmt.format(2.0) in gradient_texts  # along the wire into *
    assert fmt.format(float(np.exp(3.0))) in gradient_texts  # along the wire into exp
    assert fmt.format(float(x.grad)) in gradient_texts  # their sum, in the box
    assert float(x.grad) == 2.0 + float(np.exp(3.0))


def test_value_used_twice_by_one_operation_is_marked():
    x = Value(1.5, label="x")
    out = x * x
    out.backward()
    fig = mn.draw(out)
    assert "×2" in [t.get_text() for t in texts(fig)]


def test_highlight_a_path():
    f, (x, y, z, q) = circuit()
    f.backward()
    fig = mn.draw(f, highlight=[x, f])
    values, ops = node_patches(fig)
    order = {v: i for i, v in enumerate(f.topological_order())}
    bright = {p.get_gid() for p in values + ops
              if matplotlib.colors.same_color(p.get_edgecolor(), HIGHLIGHT_COLOUR)}
    expected = {f"value-{order[v]}" for v in (x, q, f)} | {f"op-{order[v]}" for v in (q, f)}
    assert bright == expected
    single = mn.draw(f, highlight=z)
    values, _ = node_patches(single)
    assert [p.get_gid() for p in values
            if matplotlib.colors.same_color(p.get_edgecolor(), HIGHLIGHT_COLOUR)] == [f"value-{order[z]}"]


def test_title_and_format():
    f, _ = circuit()
    fig = mn.draw(f, title="my circuit", fmt="{:.2f}")
    strings = [t.get_text() for t in texts(fig)]
    assert "my circuit" in strings and "-12.00" in strings


def test_arrays_show_their_shape():
    W = Value(np.ones((3, 2)), label="W")
    out = (W @ np.ones(2)).sum()
    out.backward()
    strings = [t.get_text() for t in texts(mn.draw(out))]
    assert "shape (3, 2)" in strings and "W" in strings


def test_large_graph_fits_a_bounded_figure():
    out = mlp()
    assert len(out.topological_order()) >= 200
    out.backward()
    fig = mn.draw(out)
    width, height = fig.get_size_inches()
    assert width <= draw_module._MAX_WIDTH + 1e-9 and height <= draw_module._MAX_HEIGHT + 1e-9


def test_bad_arguments():
    f, _ = circuit()
    with pytest.raises(TypeError, match="Value"):
        mn.draw(3.0)
    with pytest.raises(ValueError, match="fmt"):
        mn.draw(f, fmt="{:q}")
    with pytest.raises(TypeError, match="fmt"):
        mn.draw(f, fmt=3)
    with pytest.raises(TypeError, match="highlight"):
        mn.draw(f, highlight=["x"])
    with pytest.raises(ValueError, match="highlight.*not computed from"):
        mn.draw(f, highlight=Value(1.0))


def test_single_value():
    fig = mn.draw(Value(2.0, label="a"))
    values, ops = node_patches(fig)
    assert len(values) == 1 and not ops


def test_docstring_examples():
    assert doctest.testmod(draw_module).failed == 0


def test_fan_out_labels_sit_off_the_wires():
    out = staged()
    out.backward()
    fig = mn.draw(out)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t for t in texts(fig)
              if t.get_color() == GRADIENT_COLOUR and t.get_bbox_patch() is not None]
    assert len(labels) == 5  # x feeds three gates, y two
    boxes = [t.get_window_extent().shrunk(0.95, 0.9) for t in labels]
    for i, box in enumerate(boxes):  # the labels do not overlap each other
        assert not any(box.overlaps(other) for other in boxes[i + 1:])
    arrows = [p for p in ax.patches if not p.get_gid()]
    assert arrows
    for arrow in arrows:  # and no wire runs under a label
        path = arrow.get_path().interpolated(20)
        points = ax.transData.transform(path.vertices)
        for box in boxes:
            assert not box.count_contains(points)


@pytest.mark.parametrize("build", [neuron, staged], ids=lambda b: b.__name__)
def test_book_graphs_fit_a_book_column(build):
    # a book column is about 8 inches at 100 dpi; a drawing much wider is shrunk
    # on the page until its text is too small to read
    out = build()
    out.backward()
    width, _ = mn.draw(out, title="t").get_size_inches()
    assert width <= 10.0


@pytest.mark.parametrize("build", [circuit, neuron, staged, mlp], ids=lambda b: b.__name__)
def test_drawing_leaves_every_value_unchanged(build):
    out = build()
    out = out[0] if isinstance(out, tuple) else out
    out.backward()
    nodes = out.topological_order()
    before = [(v.data.copy(), np.copy(v.grad), v.grad) for v in nodes]
    for options in ({}, {"show_grad": False}, {"highlight": [nodes[0], out]}):
        mn.draw(out, **options)
    for v, (data, grad, grad_array) in zip(nodes, before):
        assert v.grad is grad_array  # the same array (or None), not swapped for another
        if grad_array is not None:
            np.testing.assert_array_equal(v.grad, grad)
        np.testing.assert_array_equal(v.data, data)
    assert out.topological_order() == nodes


def test_wire_gradients_are_what_backward_adds_up():
    out = staged()
    out.backward()
    graph = Circuit(out, wire_gradients=True)
    for v in graph.values:  # each value's gradient is the sum of the gradients on its wires
        if graph.users[v]:
            total = sum(graph.wire_gradients[(v, user)] for user in graph.users[v])
            assert total == pytest.approx(float(v.grad), rel=1e-12)
    assert Circuit(out).wire_gradients == {}


def test_one_walk_collects_users_and_fan_outs():
    x = Value(2.0, label="x")
    y = x * x + x
    graph = Circuit(y)
    product = y.inputs[0]
    assert graph.values == y.topological_order()
    assert graph.users[x] == [product, y] and graph.fan_out[x] == 3
    assert graph.fan_out[product] == 1 and graph.fan_out[y] == 0
    assert len(graph) == 3 and graph.operations == 2


def test_layout_needs_no_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['matplotlib'] = None\n"  # any import of matplotlib now fails
        "import mathnotes as mn\n"
        "from mathnotes.circuit._graph import Circuit\n"
        "from mathnotes.circuit._layout import circuit_layout\n"
        "x = mn.Value(1.0); f = (x * x + 2.0).tanh(); f.backward()\n"
        "print(len(circuit_layout(Circuit(f)).columns))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


def test_drawing_walks_the_graph_once(monkeypatch):
    out = staged()
    out.backward()
    calls = []
    walk = Value.topological_order

    def counting(self):
        calls.append(self)
        return walk(self)

    monkeypatch.setattr(Value, "topological_order", counting)
    mn.draw(out)
    assert calls == [out]


def test_a_constant_has_a_dashed_box_and_no_gradient():
    c = Value(2.0, label="c", requires_grad=False)
    x = Value(1.5, label="x")
    out = c * x + c * x.exp()  # the constant fans out to two gates
    out.label = "h"
    out.backward()
    graph = Circuit(out, wire_gradients=True)
    assert all(source is not c for source, _ in graph.wire_gradients)  # its wires carry none
    assert any(source is x for source, _ in graph.wire_gradients)
    fig = mn.draw(out)
    values, _ = node_patches(fig)
    styles = {p.get_gid(): p.get_linestyle() for p in values}
    index = out.topological_order().index(c)
    assert styles.pop(f"value-{index}") == "--"
    assert set(styles.values()) == {"-"}
    gradient_texts = [t.get_text() for t in texts(fig) if t.get_color() == GRADIENT_COLOUR]
    assert len(gradient_texts) == 2 + 5  # x's two wires; every box but c's
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["forward value", "gradient of h", "constant: no gradient"]
    assert "constant: no gradient" not in [
        t.get_text() for t in mn.draw(out, show_grad=False).axes[0].get_legend().get_texts()]


def test_a_plain_number_in_a_circuit_is_drawn_as_a_constant():
    x = Value(0.5, label="x")
    out = 1.0 / (1.0 + (-x).exp())
    out.backward()
    constants = [v for v in out.topological_order() if not v.requires_grad]
    assert len(constants) == 2
    fig = mn.draw(out, fmt="{:.4f}")
    assert sum(p.get_linestyle() == "--" for p in node_patches(fig)[0]) == 2
    shown = {(t.get_text(), t.get_color()) for t in texts(fig)}
    assert ("1.0000", FORWARD_COLOUR) in shown
    # the numerator 1.0 would have the gradient 1 / denominator = out: it is not shown
    gradients = {text for text, colour in shown if colour == GRADIENT_COLOUR}
    assert f"{float(out.data):.4f}" not in gradients
    assert f"{float(x.grad):.4f}" in gradients


def tanh_chain(length):
    v = Value(np.linspace(-1.0, 1.0, 4).reshape(2, 2), label="x")
    for _ in range(length):
        v = v.tanh()
    out = v.sum()
    out.label = "L"
    out.backward()
    return out


def test_a_long_circuit_breaks_into_rows_of_legible_text():
    out = tanh_chain(14)
    one, three = mn.draw(out), mn.draw(out, rows=3)
    assert [len(p) for p in node_patches(one)] == [len(p) for p in node_patches(three)]
    assert one.get_size_inches()[0] == pytest.approx(draw_module._MAX_WIDTH)  # shrunk to fit
    assert three.get_size_inches()[0] < draw_module._MAX_WIDTH                # not shrunk
    sizes = {t.get_fontsize() for t in three.axes[0].texts}
    assert max(sizes) == pytest.approx(9.0) and min(sizes) >= 0.8 * 9.0 - 1e-9  # not shrunk
    boxes, _ = node_patches(three)
    centres = {round(b.get_y() + b.get_height() / 2, 6) for b in boxes}
    assert len(centres) == 3  # a chain: one line of boxes per row
    ends = [p for p in three.axes[0].patches if isinstance(p, FancyArrowPatch)
            and p.get_arrowstyle().__class__.__name__ == "Curve"]
    assert len(ends) == 2  # the chain runs on twice, without an arrowhead at the edge


def test_rows_never_outnumber_the_value_columns_and_must_be_whole():
    f, _ = circuit()
    many = mn.draw(f, rows=50)  # each value column may start a row, no more
    assert [len(p) for p in node_patches(many)] == [len(p) for p in node_patches(mn.draw(f))]
    for rows in (0, 1.5, "2"):
        with pytest.raises((TypeError, ValueError), match="rows"):
            mn.draw(f, rows=rows)
