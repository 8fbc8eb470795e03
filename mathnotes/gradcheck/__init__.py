"""Gradient checks: compare an analytic derivative with central differences and give a verdict.

Three checks share one engine:

- :func:`check_gradient` for the gradient of a scalar function,
- :func:`check_jacobian` for the (generalized) Jacobian of an array function,
- :func:`check_vjp` for a vector-Jacobian product, what a layer's backward returns,

and :func:`check_arguments` runs them for several named arguments of one
function. Each returns a :class:`CheckResult` (a :class:`CheckReport` for
several arguments) whose verdict is pass, fail or inconclusive; only a pass is
truthy. Its failing entries are :class:`FailingEntry` named tuples, fast mode's
directions :class:`DirectionCheck` ones. A failed check names the common
mistake that explains it when the evidence shows one (:class:`Diagnosis`,
whose ``mistake`` is one of the stable names in ``MISTAKES``).

The private modules hold one idea each: the problem and its tolerance
(``_problem``), the full mode (``_full``), the fast mode (``_fast``), the
diagnosis (``_diagnosis``), the result and its report (``_result``), and the
public functions (``_checks``, ``_arguments``). This package imports only NumPy.
"""

from mathnotes.gradcheck._arguments import check_arguments
from mathnotes.gradcheck._checks import check_gradient, check_jacobian, check_vjp
from mathnotes.gradcheck._diagnosis import MISTAKES, Diagnosis
from mathnotes.gradcheck._result import CheckReport, CheckResult, DirectionCheck, FailingEntry

__all__ = ["check_gradient", "check_jacobian", "check_vjp", "check_arguments", "CheckResult",
           "CheckReport", "Diagnosis", "MISTAKES", "FailingEntry", "DirectionCheck"]
