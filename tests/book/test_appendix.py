"""Tests for bookcode/appendix.py: each row's formula and code, and the tables printed from them."""

import dataclasses
import re

import numpy as np
import pytest

from bookcode import appendix

ROW_IDS = [f"{row.section}: {row.f_tex}" for row in appendix.ROWS]


@pytest.mark.parametrize("row", appendix.ROWS, ids=ROW_IDS)
def test_every_row_passes_its_checks(row):
    results = row.checks()
    assert results and all(results), [str(r) for r in results]


def test_a_wrong_jacobian_stops_the_table():
    row = appendix.find("$Wx$")
    twice = dataclasses.replace(row, num=lambda v: 2 * appendix.W)
    with pytest.raises(AssertionError, match=r"\$Wx\$"):
        appendix.check([twice])


def test_a_wrong_denominator_layout_is_caught_on_its_own():
    # the numerator code is right; the separate code for the transpose is not
    row = appendix.find(r"$x^{\mathsf{T}} A x$")
    only_A = dataclasses.replace(row, den=lambda v: (appendix.A @ v)[:, None])
    assert not all(only_A.checks())


def test_a_wrong_backward_pass_is_caught():
    row = next(r for r in appendix.section("matrix") if "softmax" in r.f_tex)
    # the element-wise guess s * g drops the term - (g.s) s
    guess = dataclasses.replace(row, grad=lambda g: appendix.softmax(appendix.x) * g)
    assert all(row.checks()) and not all(guess.checks())


def test_a_wrong_differential_is_caught():
    row = appendix.find("$X^2$")
    commuted = dataclasses.replace(row, df=lambda V: 2 * appendix.X9 @ V)
    assert not all(commuted.checks())


@pytest.mark.parametrize("name", appendix.SECTIONS)
def test_each_table_prints_every_row_of_its_section_once(name):
    table = appendix.table(name)
    body = [line for line in table.splitlines() if line.startswith("| ")]
    rows = appendix.section(name)
    headers = [line for line in table.splitlines() if line.startswith("|---")]
    assert len(body) == len(rows) + len(headers), table  # and a header a table
    for row in rows:
        derivative = next(getattr(row, a) for a in ("num_tex", "grad_tex", "df_tex")
                          if hasattr(row, a))
        assert row.f_tex in table and derivative in table
        if getattr(row, "den_tex", "") and name != "scalar":
            assert row.den_tex in table


@pytest.mark.parametrize("row", appendix.ROWS, ids=ROW_IDS)
def test_every_formula_is_closed_inline_math(row):
    texts = [getattr(row, a) for a in ("f_tex", "var_tex", "num_tex", "den_tex",
                                       "grad_tex", "df_tex") if hasattr(row, a)]
    for text in texts:
        assert text.count("$") % 2 == 0, text
        assert not re.search(r"\\(T|R|diag|rank)\b", text), text  # standard LaTeX only


def test_the_rows_the_chapters_use_are_there():
    tex = "\n".join(appendix.table(name) for name in appendix.SECTIONS)
    for formula in [r"$w \oslash x$", r"$w - x$", r"$\exp(x)$", r"$\operatorname{cumsum}(x)$",
                    r"$s \odot (g - (g^{\mathsf{T}} s)\,\mathbf 1)$",
                    r"$2A^{\mathsf{T}}(Ax - b) + 2\lambda x$", r"$(P - Y)/N$"]:
        assert formula in tex, formula


def test_symmetric_jacobians_are_the_diagonal_ones_and_softmax():
    symmetric, full = appendix.symmetric_jacobians()
    assert full == [r"$s = \operatorname{softmax}(x)$"]
    assert r"$\exp(x)$" in symmetric and "$Wx$" not in symmetric
    assert len(symmetric) == len(set(symmetric))


def test_the_definition_shown_is_the_code_of_the_row():
    ridge = appendix.find(r"$\lVert Ax - b\rVert^2 + \lambda \lVert x\rVert^2$ (ridge)")
    text = appendix.definition(ridge)
    assert text.startswith("Jacobian(") and text.count("(") == text.count(")")
    assert r"2\lambda x$" in text and "2 * lam * v" in text
    # the printed lines run as they are
    rebuilt = eval(text, vars(appendix))
    assert rebuilt.f_tex == ridge.f_tex and all(rebuilt.checks())


def test_a_row_without_code_of_its_own_has_no_definition():
    with pytest.raises(ValueError, match="no code of its own"):
        appendix.definition(appendix.find(r"$\exp(x)$"))


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="sections are"):
        appendix.section("tensors")
    with pytest.raises(ValueError, match="no row"):
        appendix.find("$f$")


def test_report_says_how_many_checks_passed_and_asserts_the_tolerance():
    assert appendix.report("chain", 1e-6).startswith("3 rows, ")
    with pytest.raises(AssertionError):
        appendix.report("chain", 1e-30)


def test_shapes_of_the_checks():
    assert appendix.shape_text((3, 4)) == "3 × 4"
    assert appendix.shape_text(()) == "scalar"
    assert appendix.find("$Wx$").shape() == (appendix.m, appendix.n)
    assert np.shape(appendix.find("$S = WX$").var) == appendix.Wd.shape
