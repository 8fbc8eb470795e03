"""Source code shown on the page: a function's lines without its docstring, fit to the page."""

import inspect
import textwrap


def code(obj, width=78):
    """The source of a function or method, without its docstring, lines fit to ``width``.

    Long lines are broken where Python allows it (after an opening bracket, a trailing
    comment moved above, a string literal split in two), so the printed code still runs.

    Examples
    --------
    >>> print(code(show))
    def show(obj, width=78):
        print(code(obj, width))
    """
    lines = textwrap.dedent(inspect.getsource(obj)).splitlines()
    quotes = [i for i, line in enumerate(lines) if '"""' in line or "'''" in line]
    if obj.__doc__ and quotes:
        first = quotes[0]
        last = first if lines[first].count(lines[first].strip()[:3]) == 2 else quotes[1]
        lines = lines[:first] + lines[last + 1:]
    return "\n".join(part for line in lines for part in _fit(line, width))


def show(obj, width=78):
    """Print :func:`code` of ``obj``."""
    print(code(obj, width))


def _fit(line, width):
    """Break a long line of code into valid lines that fit the page."""
    if len(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()))
    body, _, comment = line.partition("  # ")
    if comment:  # a trailing comment goes on its own line, above
        return [indent + "# " + comment] + _fit(body, width)
    outside, quote = [], None  # positions of "(" outside string literals
    for i, char in enumerate(line[:width]):
        if char in "\"'" and quote in (None, char):
            quote = None if quote else char
        elif char == "(" and quote is None:
            outside.append(i)
    if outside:  # a new line is allowed inside brackets
        cut = outside[-1] + 1
        return [line[:cut]] + _fit(indent + "    " + line[cut:].lstrip(), width)
    opening = line[len(indent):len(indent) + 2]  # a string literal starts the line:
    opening = opening if opening[:1] in "fbr" else opening[:1]  # split it in two
    cut = line.rfind(" ", 0, width - 1) + 1
    if opening[-1:] not in ("\"", "'") or cut <= len(indent) + len(opening):
        return [line]  # nowhere safe to break
    return [line[:cut] + opening[-1]] + _fit(indent + opening + line[cut:], width)
