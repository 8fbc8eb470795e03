"""Draw a circuit: :func:`draw` turns a layout (see ``_layout``) into a Matplotlib figure.

Values are boxes, operations circles, wires smooth arrows; the gradient a
wire carries back is written where it leaves a value that fans out. A
constant (a value that requires no gradient) has a dashed box and no gradient.
"""

import numpy as np

from matplotlib.path import Path
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch

from mathnotes._figures import CellFigure
from mathnotes._validate import integer
from mathnotes.circuit._graph import Circuit
from mathnotes.circuit._layout import _CHAR, _LINE, _WIRE_GAP, _op_shrink, circuit_layout
from mathnotes.tracer import Value

FORWARD_COLOUR = "#1f5fa8"  # blue: values of the forward pass
GRADIENT_COLOUR = "#c2370f"  # vermilion: gradients of the backward pass
HIGHLIGHT_COLOUR = "#e69f00"  # orange: highlighted values and wires
WIRE_COLOUR = "#555555"
TEXT_COLOURS = {"label": "black", "forward": FORWARD_COLOUR, "gradient": GRADIENT_COLOUR}
# larger drawings are scaled down to fit (inches); a book column shows about 8 inches
# at 100 dpi, so wider pictures only shrink on the page
_MAX_WIDTH, _MAX_HEIGHT = 12.0, 12.0


class CircuitFigure(CellFigure):
    """A circuit drawing that shows itself as a PNG when it is a cell's value.

    Its text form names the numbers of values and operations, not the size in
    pixels, so a notebook's stored output does not change with the layout.
    """

    values = operations = 0  # set by draw()

    def __repr__(self):
        # stable text for notebooks (no pixel sizes, which follow the layout)
        def count(n, word):
            return f"{n} {word}" if n == 1 else f"{n} {word}s"

        return f"<CircuitFigure: {count(self.values, 'value')}, {count(self.operations, 'operation')}>"


def _smooth(points, samples=8):
    """A curve through ``points`` (a Catmull-Rom spline); two points give a straight line."""
    points = np.asarray(points, dtype=float)
    if len(points) < 3:
        return points
    padded = np.vstack([points[0], points, points[-1]])
    t = np.linspace(0.0, 1.0, samples, endpoint=False)[:, None]
    pieces = []
    for p0, p1, p2, p3 in zip(padded, padded[1:], padded[2:], padded[3:]):
        pieces.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                             + (3 * p1 - p0 - 3 * p2 + p3) * t**3))
    return np.vstack(pieces + [points[-1:]])


def _check_arguments(out, highlight, fmt):
    if not isinstance(out, Value):
        raise TypeError(f"draw: expected a Value, got {type(out).__name__}")
    if not isinstance(fmt, str):
        raise TypeError(f'draw: fmt must be a format string such as "{{:.3g}}", got {fmt!r}')
    try:
        fmt.format(1.5)
    except (ValueError, IndexError, KeyError) as error:
        raise ValueError(f'draw: fmt {fmt!r} cannot format a number ({error}); try "{{:.3g}}"') from None
    if highlight is None:
        return set()
    marked = {highlight} if isinstance(highlight, Value) else set(highlight)
    if not all(isinstance(v, Value) for v in marked):
        raise TypeError("draw: highlight must be a Value or a list of Values")
    return marked


def _row_starts(layout, rows):
    """The first column of each of at most ``rows`` rows: value columns (even ranks) chosen
    so that the widest row is as narrow as it can be."""
    x = np.asarray(layout.x)

    def packed(width):  # a value column and its operations' column go together
        starts = [0]
        for r in range(2, len(x), 2):
            if x[min(r + 1, len(x) - 1)] - x[starts[-1]] > width:
                starts.append(r)
        return starts

    low, high = 0.0, x[-1] - x[0]
    for _ in range(50):  # the narrowest width that needs no more than ``rows`` rows
        middle = (low + high) / 2
        low, high = (middle, high) if len(packed(middle)) > rows else (low, middle)
    return packed(high)


def draw(out, *, show_grad=True, highlight=None, fmt="{:.3g}", title=None, rows=1):
    """Draw the computation graph of ``out`` as a circuit, left to right.

    Values are boxes with their label, their forward value (for an array,
    its shape) and, below, their gradient (for an array, the norm of the
    gradient); operations are circles; arrows follow the data. Where a value
    feeds several operations (a fan-out), each of its wires is labelled,
    where it leaves the box, with the gradient it carries back, and the box
    shows their sum. A constant (a plain number or array in an operation,
    or a value computed from constants only; see
    :attr:`Value.requires_grad <mathnotes.Value.requires_grad>`) has a dashed
    box with its forward value only, and its wires carry no gradient label:
    backpropagation computes no gradient for it. The drawing is kept compact
    so that a circuit of about ten columns fits a book column (about 8
    inches) with legible text.
    Drawing only reads the graph: no value's ``.data`` or ``.grad`` changes.

    Parameters
    ----------
    out : Value
        The output; everything it was computed from is drawn. Call
        ``out.backward()`` first to see gradients.
    show_grad : bool, optional
        Show gradients (default). ``False`` draws the forward pass only.
    highlight : Value or list of Value, optional
        Values to emphasise with an orange outline, together with every
        value, operation and wire on a path from one of them to another:
        ``highlight=[w, loss]`` shows how ``w`` reaches the loss.
    fmt : str, optional
        Format of the numbers, as for ``str.format``, e.g. ``"{:.2f}"``.
    title : str, optional
        A title above the drawing.
    rows : int, optional
        Break a long circuit into this many rows, read like lines of text,
        so that it fits a narrow column at a legible size (default 1). A
        row starts with a column of values; a wire that runs on into the
        next row leaves its row at the right edge and enters the next at
        the left edge, both ends marked with the same number when several
        wires run on.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not managed by ``pyplot``: a notebook shows it when it is
        the value of a cell, and not when it is assigned to a name. Each
        value's box and each operation's circle is one patch, with a ``gid``
        ``"value-i"`` or ``"op-i"`` (``i``: position in
        :meth:`Value.topological_order`).

    Examples
    --------
    >>> import mathnotes as mn
    >>> x, y = mn.Value(-2.0, label="x"), mn.Value(5.0, label="y")
    >>> z = mn.Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.label = "f"
    >>> f.backward()
    >>> fig = mn.draw(f, title="f = (x + y) z")
    """
    marked = _check_arguments(out, highlight, fmt)
    rows = integer(rows, "draw: rows")
    circuit = Circuit(out, wire_gradients=show_grad)
    order = circuit.index
    strangers = [v for v in marked if v not in order]
    if strangers:
        raise ValueError(
            f"draw: highlight holds {len(strangers)} value(s) that out was not computed from, "
            f"e.g. {strangers[0]!r}"
        )
    marked = circuit.between(marked)
    size = len(circuit)
    fontsize = 9.0 if size <= 60 else max(5.0, 9.0 * (60 / size) ** 0.5)
    labelled = {key: c for key, c in circuit.wire_gradients.items() if circuit.fan_out[key[0]] > 1}
    line = _LINE * fontsize
    label_font = 0.85  # wire labels, relative to the values' text

    def label_width(text):
        return _CHAR * fontsize * label_font * len(text)

    label_room = {}  # a fan-out's labels sit in the gap right of its value
    for (source, _), c in labelled.items():
        room = label_width(fmt.format(c)) + (0.4 + _WIRE_GAP + 0.3) * line
        label_room[source] = max(label_room.get(source, 0.0), room)
    layout = circuit_layout(circuit, show_grad=show_grad, fmt=fmt, fontsize=fontsize,
                            label_room=label_room)

    legend = [("forward value", dict(color=FORWARD_COLOUR))]  # (label, style of its patch)
    if show_grad:
        legend.append((f"gradient of {out.label or 'the output'}", dict(color=GRADIENT_COLOUR)))
        if not all(v.requires_grad for v in circuit.values):
            legend.append(("constant: no gradient", dict(fc="white", ec="#333333", ls="--")))
    # the legend's width, inches: text, a patch and a gap per entry, space between entries
    legend_width = (sum(_CHAR * fontsize * len(text) for text, _ in legend)
                    + (2.0 * len(legend) + 2.0 * (len(legend) - 1) + 1.0) * fontsize / 72)

    # rows: each starts at a value column; its columns move left and down
    starts = _row_starts(layout, rows)
    row_of = np.searchsorted(starts, np.arange(len(layout.x)), side="right") - 1
    margin = 1.0 * line
    stub = 2.0 * line if len(starts) > 1 else 0.0  # room for the wires that run on
    shift_x = [layout.x[r] - layout.x[0] for r in starts]
    shift_y = [0.0]
    for k in range(1, len(starts)):
        above = [n for n in layout.nodes if row_of[n.rank] == k - 1]
        here = [n for n in layout.nodes if row_of[n.rank] == k]
        bottom = min(n.y - n.height / 2 for n in above) + shift_y[-1]
        top = max(n.y + n.height / 2 for n in here)
        shift_y.append(bottom - 2.0 * line - top)

    def centre(n):
        k = row_of[n.rank]
        return np.array([layout.x[n.rank] - shift_x[k], n.y + shift_y[k]])

    ends = [layout.x[r - 1] - shift_x[k] for k, r in enumerate(starts[1:] + [len(layout.x)])]
    left_edge = layout.x[0] - layout.box_width / 2 - stub
    right_edge = max(ends) + layout.box_width / 2 + stub

    # figure size from the extent (and the legend), scaled down if very large
    x0 = left_edge - margin
    x1 = right_edge + margin
    title_room = 2.2 * line if title else 0.0
    y0 = min(centre(n)[1] - n.height / 2 for n in layout.nodes) - margin - 2.4 * line  # legend
    y1 = max(centre(n)[1] + n.height / 2 for n in layout.nodes) + margin + title_room
    width = max(x1 - x0, 3.2, legend_width)
    x1 = x0 + width
    height = y1 - y0
    scale = min(1.0, _MAX_WIDTH / width, _MAX_HEIGHT / height)
    fig = CircuitFigure(figsize=(width * scale, height * scale))
    fig.values, fig.operations = size, circuit.operations
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    text_size = fontsize * scale
    run_on = {}  # wires that run on into a next row, numbered per break

    def on_path(v):  # an operation between highlighted values
        return v in marked and any(p in marked for p in v.inputs)

    # where wires leave a value box: spread over its right side, top wire on top
    ports = {}
    for n in layout.nodes:
        if n.kind == "value" and len(n.right) > 1:
            targets = sorted(n.right, key=lambda m: m.pos)
            # labelled wires leave far enough apart for a label between them
            step = 1.2 if n.value in label_room else 0.5
            spread = min(0.7 * n.height, step * line * (len(targets) - 1))
            for i, m in enumerate(targets):
                ports[(id(n), id(m))] = spread / 2 - spread * i / (len(targets) - 1)

    for wire in layout.wires:
        path = wire["path"]
        points = [centre(n) for n in path]
        start, end = path[0], path[-1]
        source, result = wire["source"], wire["result"]
        label = None
        if start.kind == "value":
            points[0] = points[0] + (start.width / 2, ports.get((id(start), id(path[1])), 0.0))
            if (source, result) in labelled:
                # the label sits where the wire leaves the box, and the wire starts after it
                label = fmt.format(labelled[(source, result)])
                half = label_width(label) / 2
                label_at = points[0] + (0.2 * line + half, 0.0)
                points[0] = points[0] + (2 * half + 0.4 * line, 0.0)
        else:  # leave the circle towards the next point
            direction = points[1] - points[0]
            points[0] = points[0] + start.width / 2 * direction / np.hypot(*direction)
        if end.kind == "value":
            points[-1] = points[-1] - (end.width / 2, 0.0)
        else:  # reach the circle from the previous point
            direction = points[-1] - points[-2]
            points[-1] = points[-1] - end.width / 2 * direction / np.hypot(*direction)
        bright = on_path(result) and (source is None or source in marked)
        colour = HIGHLIGHT_COLOUR if bright else WIRE_COLOUR
        width_pt = 2.2 if bright else 1.0
        pieces, piece = [], [points[0]]
        for i in range(1, len(path)):
            k = row_of[path[i].rank]
            if k != row_of[path[i - 1].rank]:  # runs on: to the right edge, from the left
                piece.append(np.array([ends[k - 1] + layout.box_width / 2 + stub, piece[-1][1]]))
                pieces.append(piece)
                piece = [np.array([left_edge, points[i][1]])]
                run_on.setdefault(k, []).append((pieces[-1][-1], piece[0]))
            piece.append(points[i])
        pieces.append(piece)
        for i, piece in enumerate(pieces):
            ax.add_artist(FancyArrowPatch(
                path=Path(_smooth(piece)), arrowstyle="-|>" if i == len(pieces) - 1 else "-",
                mutation_scale=9 * scale, color=colour, lw=width_pt * scale, shrinkA=0,
                shrinkB=0, zorder=1,
            ))
        a, b = points[-2], points[-1]
        if wire["count"] > 1:
            ax.text(*(a + 0.6 * (b - a)) + (0, 0.5 * line), f"×{wire['count']}", ha="center",
                    va="bottom", fontsize=label_font * text_size, color=WIRE_COLOUR, zorder=4)
        if label is not None:
            ax.text(*label_at, label, fontsize=label_font * text_size, color=GRADIENT_COLOUR,
                    ha="center", va="center", zorder=3,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"))

    for n in layout.nodes:
        x, y = centre(n)
        if n.kind == "value":
            bright = n.value in marked
            ax.add_artist(FancyBboxPatch(
                (x - n.width / 2, y - n.height / 2), n.width, n.height,
                boxstyle=f"round,pad=0,rounding_size={0.4 * line}",
                fc="#fff3d6" if bright else "white", ec=HIGHLIGHT_COLOUR if bright else "#333333",
                lw=(2.2 if bright else 1.0) * scale, ls="-" if n.value.requires_grad else "--",
                zorder=2, gid=f"value-{order[n.value]}",
            ))
            top = y + (len(n.lines) - 1) * line / 2
            for i, (text, kind, bold) in enumerate(n.lines):
                ax.text(x, top - i * line, text, fontsize=text_size, color=TEXT_COLOURS[kind], ha="center",
                        va="center", fontweight="bold" if bold else "normal", zorder=3)
        elif n.kind == "op":
            bright = on_path(n.value)
            ax.add_artist(Circle(
                (x, y), n.width / 2, fc="#fff3d6" if bright else "#eeeeee",
                ec=HIGHLIGHT_COLOUR if bright else "#333333", lw=(2.2 if bright else 1.0) * scale,
                zorder=2, gid=f"op-{order[n.value]}",
            ))
            ax.text(x, y, n.value.op, fontsize=text_size * _op_shrink(n.value.op), ha="center",
                    va="center", zorder=3)

    for pairs in run_on.values():  # several wires run on at one break: number their ends
        if len(pairs) > 1:
            for i, pair in enumerate(sorted(pairs, key=lambda p: -p[0][1])):
                for (x, y), ha in zip(pair, ("left", "right")):
                    ax.text(x + (0.2 if ha == "left" else -0.2) * line, y, str(i + 1), ha=ha,
                            va="center", fontsize=label_font * text_size, color=WIRE_COLOUR)

    handles = [Patch(label=text, **style) for text, style in legend]
    ax.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False,
              fontsize=text_size, handlelength=1.2, borderaxespad=0.3)
    if title:
        ax.text((x0 + x1) / 2, y1 - 0.5 * line, title, fontsize=1.15 * text_size, ha="center",
                va="top", fontweight="bold")
    return fig
