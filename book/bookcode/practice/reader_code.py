"""Calling the reader's code: what it returned, printed or raised.

Every call of the reader's function or class goes through :func:`call`, which
collects what it prints (shown after the verdict, so that the verdict stays the
first line) and turns what it raises into one of two exceptions of this module:
:class:`NotAnswered` for ``NotImplementedError`` (the untouched stub raises it)
and :class:`ReaderError` for anything else, which keeps the exception with a
traceback that starts at the reader's own code. :func:`real_array` turns a
returned value into a float64 array of the expected shape or raises
:class:`BadAnswer` with a sentence that names the expected shape.
"""

import contextlib
import io
from pathlib import Path

import numpy as np

#: frames from files in this folder are the checker's, not the reader's
_CHECKER = str(Path(__file__).resolve().parent)


class NotAnswered(Exception):
    """The reader's code raised ``NotImplementedError``; ``where`` names the function or method."""

    def __init__(self, where):
        super().__init__(where)
        self.where = where


class ReaderError(Exception):
    """The reader's code raised ``error``; its traceback starts at the reader's first frame."""

    def __init__(self, error, what):
        super().__init__(f"{what} raised {type(error).__name__}: {error}")
        self.error = error.with_traceback(reader_frames(error.__traceback__))
        self.what = what


class BadAnswer(Exception):
    """What the reader's code returned cannot be checked; the message says why and what to return."""


class Printed:
    """What the reader's code printed, kept to show after the verdict (the first call's only)."""

    def __init__(self):
        self.text = ""

    def add(self, text):
        if text and not self.text:
            self.text = text


def reader_frames(tb):
    """The traceback ``tb`` without its leading frames from the checker."""
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_CHECKER):
        tb = tb.tb_next
    return tb


def _innermost_name(tb):
    """The qualified name of the function of the last frame of ``tb`` (where it was raised)."""
    name = "the code"
    while tb is not None:
        name = tb.tb_frame.f_code.co_qualname
        tb = tb.tb_next
    return name


def call(function, *args, printed, what):
    """``function(*args)``, with the reader's prints kept in ``printed`` and their errors translated.

    ``what`` describes the call in messages, for example ``"fork_max_grad"``
    or ``"a * b"``.
    """
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            return function(*args)
    except NotImplementedError as error:
        raise NotAnswered(_innermost_name(error.__traceback__)) from None
    except Exception as error:  # the reader's bug: keep it for the traceback
        raise ReaderError(error, what) from None
    finally:
        printed.add(buffer.getvalue())


def describe_shape(shape):
    """``(3,)``, or ``() (a single number)`` for a scalar."""
    return "() (a single number)" if shape == () else str(tuple(shape))


def real_array(value, name, shape, like=None):
    """``value`` as a new float64 array of shape ``shape``, or :class:`BadAnswer`.

    ``name`` is what the reader calls the value (``"dw"``), ``like`` the
    variable whose shape it must have (``"w"``), named in the message.
    """
    expected = describe_shape(shape) + (f", the shape of {like}" if like else "")
    if value is None:
        raise BadAnswer(f"{name} is None; expected an array of shape {expected}.")
    if isinstance(value, (str, bytes, dict, set)) or callable(value):
        raise BadAnswer(f"{name} is a {type(value).__name__}; expected an array of shape "
                        f"{expected}.")
    try:
        array = np.array(value)
    except (ValueError, TypeError) as error:  # a ragged list, for example
        raise BadAnswer(f"{name} is not an array of numbers ({error}); expected an array of "
                        f"shape {expected}.") from None
    if array.dtype.kind not in "iuf":
        kind = {"b": "booleans", "c": "complex numbers"}.get(array.dtype.kind,
                                                             f"dtype {array.dtype}")
        raise BadAnswer(f"{name} holds {kind}; expected real numbers (float64), shape "
                        f"{expected}.")
    if array.shape != tuple(shape):
        raise BadAnswer(f"{name} has shape {array.shape}; expected {expected}."
                        + _shape_hint(array.shape, tuple(shape)))
    if not np.all(np.isfinite(array)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise BadAnswer(f"{name} holds {array[where]} at index {list(where)}; expected finite "
                        f"numbers, shape {expected}. (An exp of a large number overflows, a "
                        f"division by zero or a log of zero gives inf or nan.)")
    return array.astype(np.float64)


def _shape_hint(got, expected):
    if len(got) == 2 and got[::-1] == expected and got != expected:
        return " It has the transposed shape: a formula of the other layout?"
    if int(np.prod(got)) == int(np.prod(expected)):
        return (" It has the right number of entries: a reduction with or without keepdims, "
                "or a missing reshape?")
    return " A gradient has the shape of its variable."
