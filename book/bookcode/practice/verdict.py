"""The four answers a check cell gives, as text.

A :class:`Verdict` prints its kind first (``Not answered yet``, ``Error``,
``Wrong`` or ``Correct``), so that a reader and a tool tell them apart at a
glance; then, indented, the named mistake and the hint, the evidence, and what
the reader's code printed. An error raised by the reader's code is shown as a
traceback of the reader's own frames: by IPython, as for any error in a cell,
when a kernel runs the check; as plain text elsewhere (:meth:`Verdict.traceback_text`).
"""

import textwrap
import traceback
from dataclasses import dataclass, field

NOT_ANSWERED, ERROR, WRONG, CORRECT = "Not answered yet", "Error", "Wrong", "Correct"
KINDS = (NOT_ANSWERED, ERROR, WRONG, CORRECT)
#: the longest printed line: it fits the output box inside an exercise of the book
WIDTH = 74
#: at most this many lines of what the reader's code printed are shown
PRINTED_LINES = 20


@dataclass
class Verdict:
    """The outcome of a check.

    Attributes
    ----------
    kind : str
        One of ``KINDS``.
    message : str
        The rest of the first sentence.
    details : list of str
        Paragraphs shown below it, indented (a paragraph starting with a
        space keeps its lines, for tables).
    mistake : str or None
        For ``Wrong``: the stable short name of the mistake, if one is named.
    error : BaseException or None
        For an exception raised by the reader's code: the exception, its
        traceback starting at the reader's first frame.
    printed : str
        What the reader's code printed during the check (its first call).
    """

    kind: str
    message: str
    details: list = field(default_factory=list)
    mistake: str = None
    error: BaseException = None
    printed: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def first_line(self):
        return self.text().splitlines()[0]

    def text(self):
        """Everything the check prints, the traceback aside."""
        lines = textwrap.wrap(f"{self.kind}: {self.message}", WIDTH, subsequent_indent="  ",
                              break_on_hyphens=False, break_long_words=False)
        for paragraph in self.details:
            if paragraph.startswith(" "):  # preformatted: a table, a report
                lines += ["  " + line for line in paragraph[1:].splitlines()]
            else:
                lines += textwrap.wrap(paragraph, WIDTH, initial_indent="  ",
                                       subsequent_indent="    ", break_on_hyphens=False,
                                       break_long_words=False)
        if self.printed.strip():
            shown = self.printed.rstrip("\n").splitlines()
            lines.append("  What your code printed (its first call):")
            lines += ["    " + line for line in shown[:PRINTED_LINES]]
            if len(shown) > PRINTED_LINES:
                lines.append(f"    ... ({len(shown) - PRINTED_LINES} more lines)")
        return "\n".join(lines)

    __str__ = text

    def traceback_text(self):
        """The reader's traceback as plain text, or ``""`` when their code raised nothing."""
        if self.error is None:
            return ""
        return "".join(traceback.format_exception(self.error))

    def show(self):
        """Print the verdict; then the reader's traceback, the way IPython shows errors."""
        print(self.text())
        if self.error is None:
            return
        try:
            from IPython import get_ipython
        except ImportError:  # not in a kernel
            shell = None
        else:
            shell = get_ipython()
        if shell is None:
            print(self.traceback_text(), end="")
        else:  # tb_offset=0: the traceback starts at the reader's code already
            shell.showtraceback((type(self.error), self.error, self.error.__traceback__),
                                tb_offset=0)


def not_answered(message):
    return Verdict(NOT_ANSWERED, message)


def error(message, details=(), *, exception=None):
    return Verdict(ERROR, message, list(details), error=exception)


def wrong(message, details=(), *, mistake=None):
    return Verdict(WRONG, message, list(details), mistake=mistake)


def correct(message):
    return Verdict(CORRECT, message)
