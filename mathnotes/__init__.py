"""mathnotes: check your derivatives, trace a computation, draw its circuit.

The small library of the course *Linear algebra and matrix calculus for deep
learning*, for the reader's own work as much as for the book:

- numerical derivatives: :func:`numerical_gradient`, :func:`numerical_jacobian`,
  :func:`numerical_vjp`;
- gradient checks with a verdict and a report: :func:`check_gradient`,
  :func:`check_jacobian`, :func:`check_vjp`, :func:`check_arguments`, and their
  result :class:`CheckResult`;
- a reverse-mode tracer: :class:`Value` and :func:`maximum`;
- circuit pictures and sliders: :func:`draw`, :func:`explore`,
  :func:`interactive_figure`;
- hand-written layers and losses in their own namespace, :mod:`mathnotes.nn`.

``import mathnotes`` imports NumPy only: the three display functions load
Matplotlib and ipywidgets the first time they are used.
"""

from typing import TYPE_CHECKING

from mathnotes import nn
from mathnotes._gradcheck import CheckResult, check_arguments, check_gradient, check_jacobian, check_vjp
from mathnotes._numdiff import numerical_gradient, numerical_jacobian, numerical_vjp
from mathnotes.tracer import Value, maximum

if TYPE_CHECKING:  # loaded on first use by __getattr__ below
    from mathnotes.circuit._render import draw
    from mathnotes.circuit._explore import explore
    from mathnotes.interactive import interactive_figure

__version__ = "0.2.0"

__all__ = [
    "numerical_gradient",
    "numerical_jacobian",
    "numerical_vjp",
    "check_gradient",
    "check_jacobian",
    "check_vjp",
    "check_arguments",
    "CheckResult",
    "Value",
    "maximum",
    "draw",
    "explore",
    "interactive_figure",
    "nn",
]

# the display functions and the module that defines each (they need Matplotlib or ipywidgets)
_DISPLAY = {
    "draw": "mathnotes.circuit._render",
    "explore": "mathnotes.circuit._explore",
    "interactive_figure": "mathnotes.interactive",
}


def __getattr__(name):
    if name not in _DISPLAY:
        raise AttributeError(f"module 'mathnotes' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_DISPLAY[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
