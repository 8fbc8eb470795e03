"""The circuit explorer: sliders rebuild, backpropagate and redraw; a static picture for the book."""

import doctest
import io
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

import mathnotes as mn
import mathnotes.circuit._explore as explore_module
from mathnotes.interactive import LiveFigure


def build(x, y):
    x, y, z = mn.Value(x, label="x"), mn.Value(y, label="y"), mn.Value(-4.0, label="z")
    f = (x + y) * z
    f.label = "f"
    return f


def sliders():
    return {
        "x": widgets.FloatSlider(value=-2.0, min=-5.0, max=5.0, step=0.5),
        "y": widgets.FloatSlider(value=5.0, min=-5.0, max=5.0, step=0.5),
    }


def test_static_picture_of_the_default_state():
    live = mn.explore(build, alt="The circuit (x + y) z.", caption="Move x and y.", **sliders())
    assert isinstance(live, LiveFigure)
    assert live.defaults == {"x": -2.0, "y": 5.0}
    assert live.static_png.startswith(b"\x89PNG")
    html = live.static_html()
    assert 'alt="The circuit (x + y) z."' in html and "Move x and y." in html


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def test_same_state_same_picture_and_sliders_redraw():
    first = mn.explore(build, alt="a", **sliders())
    second = mn.explore(build, alt="a", **sliders())
    assert first.static_png == second.static_png
    first.controls["x"].value = 1.0
    assert first.image.value != first.static_png
    first.controls["x"].value = -2.0
    live, kept = _pixels(first.image.value), _pixels(first.static_png)
    assert live.shape == kept.shape   # the same picture: full colour live, a palette kept
    assert np.abs(live - kept).mean() < 2.0


def test_gradients_are_computed_for_the_picture():
    seen = []

    def spy(x, y):
        out = build(x, y)
        seen.append(out)
        return out

    mn.explore(spy, alt="a", **sliders())
    (out,) = seen
    assert float(out.grad) == 1.0
    x = out.topological_order()[0]
    assert x.label == "x" and float(x.grad) == -4.0


def test_forward_only_does_not_backpropagate():
    seen = []

    def spy(x, y):
        out = build(x, y)
        seen.append(out)
        return out

    mn.explore(spy, alt="a", show_grad=False, **sliders())
    assert float(seen[0].grad) == 0.0


def test_build_must_return_a_value():
    with pytest.raises(TypeError, match="must return a Value"):
        mn.explore(lambda x: x * 2.0, alt="a", x=(0.0, 1.0, 0.1))
    with pytest.raises(TypeError, match="build must be a function"):
        mn.explore(3.0, alt="a", x=(0.0, 1.0, 0.1))


def test_docstring_examples():
    assert doctest.testmod(explore_module).failed == 0


def test_api_page_example():
    page = Path(__file__).resolve().parents[2] / "book" / "api_graph.md"
    assert doctest.testfile(str(page), module_relative=False).failed == 0
