"""Where each part of a circuit goes, in inches, with no Matplotlib.

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

import numpy as np

from mathnotes.circuit._crossings import crossings_right_of, fewest_crossings, reduce_crossings, renumber

_CHAR = 0.62 / 72  # width of an average character, inches per point of font size
_LINE = 1.35 / 72  # height of a line of text, inches per point of font size
_BOX_PAD = 0.7  # room around a value's text, in lines
_WIRE_GAP = 1.0  # horizontal room for a wire between two columns, in lines


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
        self.lines = []  # (text, kind, bold) of a value box
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
        return sum(crossings_right_of(col) for col in self.columns)


def _text_lines(value, *, show_grad, fmt):
    """The lines of a value's box: (text, kind, bold), kind ``"label"``, ``"forward"`` or ``"gradient"``.

    A constant has no gradient, so its box has no gradient line.
    """
    lines = []
    if value.label is not None:
        lines.append((str(value.label), "label", True))
    show_grad = show_grad and value.requires_grad
    if value.data.ndim == 0:
        lines.append((fmt.format(float(value.data)), "forward", False))
        if show_grad:
            lines.append((fmt.format(float(value.grad)), "gradient", False))
    else:
        lines.append((f"shape {value.data.shape}", "forward", False))
        if show_grad:
            norm = float(np.sqrt(np.sum(value.grad**2)))
            lines.append(("‖grad‖ " + fmt.format(norm), "gradient", False))
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


def _op_shrink(name):
    """Font size of an operation's name, relative to the values' text."""
    return 1.0 if len(name) <= 2 else 0.8


def circuit_layout(circuit, *, show_grad=True, fmt="{:.3g}", fontsize=9.0, wire_gap=None,
                   label_room=None, sweeps=8):
    """Place the graph ``circuit``: columns, order inside columns, heights, wire paths.

    Parameters
    ----------
    circuit : Circuit
        The graph, collected by :class:`~mathnotes.circuit._graph.Circuit`.
    show_grad, fmt
        As for :func:`mathnotes.draw` (they decide the size of the boxes).
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
    values, users = circuit.values, circuit.users  # depth-first from the output: a stable order

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
    starts = [circuit.index]
    if len(nodes) <= 200:
        starts.append(circuit.post_order(last_first=True))
    best = None
    for start in starts:
        for col in columns:
            col.sort(key=lambda n: (start[n.key], n.kind != "bend"))
            renumber(col)
        count = reduce_crossings(layout, sweeps)
        if best is None or count < best[0]:
            best = (count, [list(col) for col in columns])
    for r, col in enumerate(best[1]):
        columns[r] = col
        renumber(col)
    if best[0] > 0:
        fewest_crossings(columns)

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
