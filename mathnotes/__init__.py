"""Helpers for the course *Linear algebra and matrix calculus for deep learning*.

Every public name is importable from ``mathnotes`` directly. The names are
loaded lazily: ``import mathnotes`` imports only NumPy-free code, and
Matplotlib or ipywidgets are imported the first time a name that needs them
is used.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> private module that defines it
_EXPORTS = {
    # interactive figures with a static fallback (mathnotes/_interactive.py)
    "interactive_figure": "_interactive",
    "LiveFigure": "_interactive",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    try:
        module_name = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'mathnotes' has no attribute {name!r}") from None
    value = getattr(import_module(f"mathnotes.{module_name}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
