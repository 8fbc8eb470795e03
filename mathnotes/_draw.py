"""Draw the graph of a :class:`~mathnotes.Value` as a circuit, with Matplotlib only.

The layout is a small layered ("Sugiyama") drawing, left to right:

1. columns: an operation sits one column right of its furthest input and its
   result one column further; an input is then moved right, next to the first
   operation that uses it, instead of waiting in a first column;
2. a wire that skips columns gets an invisible bend point in each of them;
3. order inside each column: a depth-first walk back from the output (a tree
   comes out without crossings), then barycentre sweeps (each node moves to
   the mean position of its neighbours) and swaps of neighbours, keeping the
   order with the fewest crossings;
4. heights: each node as level with its neighbours as the gaps between nodes
   allow (a least-squares fit with minimum gaps, by pooling adjacent violators).

Nothing depends on memory addresses or on hash order, so the same graph
always gives the same picture.
"""

from itertools import permutations
from math import factorial

import numpy as np

from matplotlib.path import Path
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch

from mathnotes._figures import CellFigure
from mathnotes.tracer import Value

FORWARD_COLOUR = "#1f5fa8"  # blue: values of the forward pass
GRADIENT_COLOUR = "#c2370f"  # vermilion: gradients of the backward pass
HIGHLIGHT_COLOUR = "#e69f00"  # orange: highlighted values and wires
WIRE_COLOUR = "#555555"

_CHAR = 0.62 / 72  # width of an average character, inches per point of font size
_LINE = 1.35 / 72  # height of a line of text, inches per point of font size
# larger drawings are scaled down to fit (inches); a book column shows about 8 inches
# at 100 dpi, so wider pictures only shrink on the page
_MAX_WIDTH, _MAX_HEIGHT = 12.0, 12.0
_BOX_PAD = 0.7  # room around a value's text, in lines
_WIRE_GAP = 1.0  # horizontal room for a wire between two columns, in lines


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


class _Node:
    """A box (value), a circle (operation) or an invisible bend of a long wire."""

    __slots__ = ("kind", "value", "rank", "key", "pos", "y", "width", "height", "lines",
                 "left", "right")

    def __init__(self, kind, value, rank, key):
        self.kind = kind  # "value", "op" or "bend"
        self.value = value  # the Value (for an op: the Value it produces)
        self.rank = rank  # column
        self.key = key  # the Value whose place in a walk gives the initial order
        self.pos = 0  # order inside the column, top first
        self.y = 0.0
        self.width = self.height = 0.0
        self.lines = []  # (text, colour, bold) of a value box
        self.left = []  # neighbours one column to the left
        self.right = []  # and one column to the right


class Layout:
    """Where :func:`circuit_layout` put everything: nodes, wires and columns."""

    def __init__(self, nodes, wires, columns):
        self.nodes = nodes
        self.wires = wires  # dicts: path (list of _Node), source, result, count
        self.columns = columns
        self.x = []  # x of each column, inches
        self.line = 0.0  # height of a line of text, inches
        self.box_width = 0.0

    def crossings(self):
        """How many pairs of wire segments cross, over all pairs of adjacent columns."""
        return sum(_crossings_right_of(col) for col in self.columns)


def _crossings_right_of(column):
    """Crossings between ``column`` and the next one (by the current positions)."""
    segments = [(a.pos, b.pos) for a in column for b in a.right]
    total = 0
    for i, (a0, a1) in enumerate(segments):
        for b0, b1 in segments[i + 1 :]:
            if (a0 - b0) * (a1 - b1) < 0:
                total += 1
    return total


def _text_lines(value, *, show_grad, fmt):
    """The lines of a value's box: (text, colour, bold)."""
    lines = []
    if value.label is not None:
        lines.append((str(value.label), "black", True))
    if value.data.ndim == 0:
        lines.append((fmt.format(float(value.data)), FORWARD_COLOUR, False))
        if show_grad:
            lines.append((fmt.format(float(value.grad)), GRADIENT_COLOUR, False))
    else:
        lines.append((f"shape {value.data.shape}", FORWARD_COLOUR, False))
        if show_grad:
            norm = float(np.sqrt(np.sum(value.grad**2)))
            lines.append(("‖grad‖ " + fmt.format(norm), GRADIENT_COLOUR, False))
    return lines


def _isotonic(targets, gaps):
    """Positions closest to ``targets`` (least squares) with ``y[i+1] - y[i] >= gaps[i]``.

    Subtracting the cumulative gaps turns this into a non-decreasing fit,
    solved by pooling adjacent violators.
    """
    offsets = np.concatenate([[0.0], np.cumsum(gaps)])
    blocks = []  # [mean, count]
    for z in np.asarray(targets, dtype=float) - offsets:
        blocks.append([z, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    return np.concatenate([[m] * c for m, c in blocks]) + offsets


def _post_order(out, *, last_first):
    """Position of each value in a depth-first walk back from ``out`` (inputs before users)."""
    order, seen, stack = {}, set(), [(out, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order[node] = len(order)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            inputs = node.inputs if last_first else reversed(node.inputs)
            stack.extend((p, False) for p in inputs if p not in seen)
    return order


def _op_shrink(name):
    """Font size of an operation's name, relative to the values' text."""
    return 1.0 if len(name) <= 2 else 0.8


def _renumber(column):
    for i, n in enumerate(column):
        n.pos = i


def circuit_layout(out, *, show_grad=True, fmt="{:.3g}", fontsize=9.0, wire_gap=None,
                   label_room=None, sweeps=8):
    """Place the graph of ``out``: columns, order inside columns, heights, wire paths.

    Parameters
    ----------
    out : Value
        The output of the graph.
    show_grad, fmt
        As for :func:`draw` (they decide the size of the boxes).
    fontsize : float
        Font size in points; sizes and positions are in inches at this size.
    wire_gap : float, optional
        Horizontal room for wires between two columns, inches.
    label_room : dict, optional
        Extra horizontal room, inches, right of the column of each Value it
        names (room for the labels of the wires leaving it).
    sweeps : int
        Rounds of crossing reduction and of height adjustment.

    Returns
    -------
    Layout
    """
    values = out.topological_order()  # depth-first from the output: a stable order
    index = {v: i for i, v in enumerate(values)}
    users = {v: [] for v in values}
    for v in values:
        for p in dict.fromkeys(v.inputs):
            users[p].append(v)

    # 1. columns (values on even ranks, operations on odd ranks)
    rank = {}
    for v in values:
        rank[v] = 0 if not v.inputs else max(rank[p] for p in v.inputs) + 2
    for v in values:  # an input waits next to the first operation that uses it
        if not v.inputs and users[v]:
            rank[v] = min(rank[c] for c in users[v]) - 2
    value_node = {v: _Node("value", v, rank[v], v) for v in values}
    op_node = {v: _Node("op", v, rank[v] - 1, v) for v in values if v.inputs}
    nodes = list(value_node.values()) + list(op_node.values())

    # 2. wires; a bend node in each column a wire skips
    wires = []
    for v in values:
        if not v.inputs:
            continue
        op = op_node[v]
        counts = dict.fromkeys(v.inputs, 0)
        for p in v.inputs:
            counts[p] += 1
        for p, count in counts.items():
            path = [value_node[p]]
            for r in range(value_node[p].rank + 1, op.rank):
                path.append(_Node("bend", None, r, p))
            nodes.extend(path[1:])
            path.append(op)
            wires.append({"path": path, "source": p, "result": v, "count": count})
        wires.append({"path": [op, value_node[v]], "source": None, "result": v, "count": 1})
    for wire in wires:
        for a, b in zip(wire["path"], wire["path"][1:]):
            a.right.append(b)
            b.left.append(a)

    low = min(n.rank for n in nodes)
    for n in nodes:
        n.rank -= low
    columns = [[] for _ in range(max(n.rank for n in nodes) + 1)]
    for n in nodes:
        columns[n.rank].append(n)
    layout = Layout(nodes, wires, columns)

    # 3. order inside columns: start from a depth-first order, reduce crossings;
    #    small graphs also try the walk that visits inputs last-first, keeping the better
    starts = [index] if len(nodes) > 200 else [index, _post_order(out, last_first=True)]
    best = None
    for start in starts:
        for col in columns:
            col.sort(key=lambda n: (start[n.key], n.kind != "bend"))
            _renumber(col)
        count = _reduce_crossings(layout, sweeps)
        if best is None or count < best[0]:
            best = (count, [list(col) for col in columns])
    for r, col in enumerate(best[1]):
        columns[r] = col
        _renumber(col)
    if best[0] > 0:
        _fewest_crossings(columns)

    # sizes, in inches
    line = _LINE * fontsize
    box_width = 0.0
    for n in nodes:
        if n.kind == "value":
            n.lines = _text_lines(n.value, show_grad=show_grad, fmt=fmt)
            n.height = line * (len(n.lines) + 0.6)
            longest = max(len(text) for text, _, _ in n.lines)
            box_width = max(box_width, _CHAR * fontsize * longest + _BOX_PAD * line)
        elif n.kind == "op":  # a circle around the operation's name
            n.height = n.width = max(1.8 * line, _CHAR * fontsize * _op_shrink(n.value.op)
                                     * len(n.value.op) + 0.5 * line)
        else:
            n.height, n.width = 0.8 * line, 0.0
    for n in nodes:
        if n.kind == "value":
            n.width = box_width

    # 4. heights
    gap = 0.9 * line
    for col in columns:
        y = 0.0
        for n in col:
            n.y = y
            y -= n.height + gap
    for sweep in range(2 * sweeps):
        order = columns if sweep % 2 == 0 else columns[::-1]
        for col in order:
            targets = [
                -sum(m.y for m in n.left + n.right) / len(n.left + n.right)
                if n.left or n.right
                else -n.y
                for n in col
            ]
            gaps = [(a.height + b.height) / 2 + gap for a, b in zip(col, col[1:])]
            for n, t in zip(col, _isotonic(targets, gaps)):
                n.y = -t

    # x of each column
    wire_gap = _WIRE_GAP * line if wire_gap is None else wire_gap
    label_room = label_room or {}
    x = 0.0
    for r, col in enumerate(columns):
        half = max(n.width for n in col) / 2
        x += half if r else 0.0
        layout.x.append(x)
        extra = max((label_room.get(n.value, 0.0) for n in col if n.kind == "value"),
                    default=0.0)
        x += half + max(wire_gap, extra)
    layout.line = line
    layout.box_width = box_width
    return layout


def _reduce_crossings(layout, sweeps):
    columns = layout.columns
    best = layout.crossings()
    best_order = [list(col) for col in columns]

    def restore():
        for r, col in enumerate(best_order):
            columns[r] = list(col)
            _renumber(columns[r])

    for sweep in range(sweeps):
        if best == 0:
            return best
        forward = sweep % 2 == 0
        for col in columns[1:] if forward else columns[-2::-1]:
            def barycentre(n, forward=forward):
                near = n.left if forward else n.right
                return sum(m.pos for m in near) / len(near) if near else n.pos

            col.sort(key=lambda n: (barycentre(n), n.pos))
            _renumber(col)
        count = layout.crossings()
        if count < best:
            best, best_order = count, [list(col) for col in columns]
    restore()
    if best == 0 or len(layout.nodes) > 200:
        return best
    # sifting: move each node to the place in its column with the fewest crossings
    for _ in range(sweeps):
        for r, col in enumerate(columns):

            def local(r=r, col=col):  # only the crossings a move in this column changes
                return _crossings_right_of(col) + (_crossings_right_of(columns[r - 1]) if r else 0)

            for node in list(col):
                col.remove(node)
                costs = []
                for i in range(len(col) + 1):
                    col.insert(i, node)
                    _renumber(col)
                    costs.append(local())
                    col.pop(i)
                i = costs.index(min(costs))  # the first best place: deterministic
                col.insert(i, node)
                _renumber(col)
        count = layout.crossings()
        if count < best:
            best, best_order = count, [list(c) for c in columns]
        else:
            break
    restore()
    return best


def _fewest_crossings(columns, budget=300_000):
    """The order of every column with the fewest crossings, if the graph is small.

    Dynamic programming over columns: the best cost of each order of a
    column, given the best orders before it. Only tried when the number of
    pairs of orders of adjacent columns stays under ``budget``; among equal
    counts, the orders that move nodes least from the current ones win.
    """
    sizes = [len(col) for col in columns]
    if max(sizes) > 6:
        return
    counts = [factorial(n) for n in sizes]
    if sum(a * b for a, b in zip(counts, counts[1:])) > budget:
        return
    # wires between column r and r+1 as pairs of indices in the current orders
    where = {id(n): i for col in columns for i, n in enumerate(col)}
    links = [[(where[id(a)], where[id(b)]) for a in col for b in a.right] for col in columns]

    def cost(p, q, pairs):  # p, q: new position of each current index
        segments = [(p[i], q[j]) for i, j in pairs]
        return sum(
            1
            for k, (a0, a1) in enumerate(segments)
            for b0, b1 in segments[k + 1 :]
            if (a0 - b0) * (a1 - b1) < 0
        )

    def positions(perm):  # perm lists current indices in new order
        inverse = [0] * len(perm)
        for new, old in enumerate(perm):
            inverse[old] = new
        return tuple(inverse)

    options = [[positions(perm) for perm in permutations(range(n))] for n in sizes]
    def moved(p):  # how far an order moves nodes: the tie-breaker
        return sum(abs(new - old) for old, new in enumerate(p))

    best = {p: ((0, moved(p)), None) for p in options[0]}
    back = []
    for r in range(1, len(columns)):
        new = {}
        for q in options[r]:
            extra = moved(q)
            new[q] = min(
                (((c + cost(p, q, links[r - 1]), d + extra), p) for p, ((c, d), _) in best.items()),
                key=lambda item: item[0],
            )
        back.append(new)
        best = new
    q = min(best, key=lambda key: best[key][0])
    chosen = [q]
    for table in reversed(back):
        q = table[q][1]
        chosen.append(q)
    chosen.reverse()
    for r, p in enumerate(chosen):
        col = columns[r]
        reordered = [None] * len(col)
        for old, new in enumerate(p):
            reordered[new] = col[old]
        columns[r] = reordered
        _renumber(reordered)


def _wire_contributions(out):
    """Gradient each wire into an operation carries back, for scalar inputs (summed per input)."""
    contributions = {}
    for v in out.topological_order():
        if not v.inputs or not all(p.data.ndim == 0 for p in v.inputs):
            continue
        for p, g in zip(v.inputs, v.input_gradients()):
            contributions[(p, v)] = contributions.get((p, v), 0.0) + float(g)
    return contributions


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


def _between(marked, values):
    """The marked values and every value on a path from one marked value to another."""
    if len(marked) < 2:
        return marked
    after, before = set(), set()  # a marked value at or before / at or after it
    for v in values:
        if v in marked or any(p in after for p in v.inputs):
            after.add(v)
    for v in reversed(values):
        if v in marked or v in before:
            before.add(v)
            before.update(v.inputs)
    return {v for v in values if v in after and (v in before)}


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


def draw(out, *, show_grad=True, highlight=None, fmt="{:.3g}", title=None):
    """Draw the computation graph of ``out`` as a circuit, left to right.

    Values are boxes with their label, their forward value (for an array,
    its shape) and, below, their gradient (for an array, the norm of the
    gradient); operations are circles; arrows follow the data. Where a value
    feeds several operations (a fan-out), each of its wires is labelled,
    where it leaves the box, with the gradient it carries back, and the box
    shows their sum. The drawing is kept compact so that a circuit of about
    ten columns fits a book column (about 8 inches) with legible text.

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
    >>> x, y, z = mn.Value(-2.0, label="x"), mn.Value(5.0, label="y"), mn.Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.label = "f"
    >>> f.backward()
    >>> fig = mn.draw(f, title="f = (x + y) z")
    """
    marked = _check_arguments(out, highlight, fmt)
    order = {v: i for i, v in enumerate(out.topological_order())}
    strangers = [v for v in marked if v not in order]
    if strangers:
        raise ValueError(
            f"draw: highlight holds {len(strangers)} value(s) that out was not computed from, "
            f"e.g. {strangers[0]!r}"
        )
    marked = _between(marked, list(order))
    size = len(order)
    fontsize = 9.0 if size <= 60 else max(5.0, 9.0 * (60 / size) ** 0.5)
    contributions = _wire_contributions(out) if show_grad and size <= 300 else {}
    fan_out = {}  # wires leaving each value
    for v in order:
        for p in v.inputs:
            fan_out[p] = fan_out.get(p, 0) + 1
    labelled = {key: c for key, c in contributions.items() if fan_out[key[0]] > 1}
    line = _LINE * fontsize
    label_font = 0.85  # wire labels, relative to the values' text

    def label_width(text):
        return _CHAR * fontsize * label_font * len(text)

    label_room = {}  # a fan-out's labels sit in the gap right of its value
    for (source, _), c in labelled.items():
        room = label_width(fmt.format(c)) + (0.4 + _WIRE_GAP + 0.3) * line
        label_room[source] = max(label_room.get(source, 0.0), room)
    layout = circuit_layout(out, show_grad=show_grad, fmt=fmt, fontsize=fontsize,
                            label_room=label_room)

    # figure size from the extent, scaled down if very large
    margin = 1.0 * line
    x0 = -layout.box_width / 2 - margin
    x1 = layout.x[-1] + layout.box_width / 2 + margin
    title_room = 2.2 * line if title else 0.0
    y0 = min(n.y - n.height / 2 for n in layout.nodes) - margin - 2.4 * line  # legend below
    y1 = max(n.y + n.height / 2 for n in layout.nodes) + margin + title_room
    width = max(x1 - x0, 3.2)
    x1 = x0 + width
    height = y1 - y0
    scale = min(1.0, _MAX_WIDTH / width, _MAX_HEIGHT / height)
    fig = CircuitFigure(figsize=(width * scale, height * scale))
    fig.values, fig.operations = size, sum(1 for v in order if v.inputs)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    text_size = fontsize * scale

    def centre(n):
        return np.array([layout.x[n.rank], n.y])

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
        curve = _smooth(points)
        ax.add_artist(FancyArrowPatch(
            path=Path(curve), arrowstyle="-|>", mutation_scale=9 * scale,
            color=colour, lw=width_pt * scale, shrinkA=0, shrinkB=0, zorder=1,
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
                lw=(2.2 if bright else 1.0) * scale, zorder=2, gid=f"value-{order[n.value]}",
            ))
            top = y + (len(n.lines) - 1) * line / 2
            for i, (text, colour, bold) in enumerate(n.lines):
                ax.text(x, top - i * line, text, fontsize=text_size, color=colour, ha="center",
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

    handles = [Patch(color=FORWARD_COLOUR, label="forward value")]
    if show_grad:
        handles.append(Patch(color=GRADIENT_COLOUR, label=f"gradient of {out.label or 'the output'}"))
    ax.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False,
              fontsize=text_size, handlelength=1.2, borderaxespad=0.3)
    if title:
        ax.text((x0 + x1) / 2, y1 - 0.5 * line, title, fontsize=1.15 * text_size, ha="center",
                va="top", fontweight="bold")
    return fig
