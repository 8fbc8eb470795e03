"""The book's code printer: no docstring, lines that fit, code that still compiles."""

import ast

import pytest

import mathnotes as mn
from bookcode import source


@pytest.mark.parametrize("method", [mn.nn.Linear.__init__, mn.nn.Linear.forward,
                                    mn.nn.Linear.backward, mn.nn.Linear.update])
def test_code_drops_the_docstring_fits_and_compiles(method):
    text = source.code(method, width=60)
    assert '"""' not in text
    assert max(len(line) for line in text.splitlines()) <= 60
    tree = ast.parse(text)
    assert isinstance(tree.body[0], ast.FunctionDef) and tree.body[0].name == method.__name__


def test_a_trailing_comment_moves_above_its_line():
    assert source._fit("x = compute(a, b)  # the reason", 14) == [
        "# the reason", "x = compute(", "    a, b)"]


def test_a_long_string_is_split_into_two_literals():
    lines = source._fit('    error("one two three four five")', 24)
    assert all(len(line) <= 24 for line in lines)
    call = ast.parse("\n".join(line.strip() for line in lines)).body[0].value
    assert call.args[0].value == "one two three four five"
