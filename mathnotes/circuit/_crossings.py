"""Fewer crossing wires: the order of the nodes inside each column of a circuit layout.

Works on the columns of a :class:`~mathnotes.circuit._layout.Layout` (lists
of nodes with ``pos``, ``left`` and ``right``): barycentre sweeps, sifting,
and for small graphs the exact optimum by dynamic programming.
"""

from itertools import permutations
from math import factorial


def renumber(column):
    """Set each node's ``pos`` to its place in ``column``."""
    for i, n in enumerate(column):
        n.pos = i


def crossings_right_of(column):
    """Crossings between ``column`` and the next one (by the current positions)."""
    segments = [(a.pos, b.pos) for a in column for b in a.right]
    total = 0
    for i, (a0, a1) in enumerate(segments):
        for b0, b1 in segments[i + 1 :]:
            if (a0 - b0) * (a1 - b1) < 0:
                total += 1
    return total


def reduce_crossings(layout, sweeps):
    """Reorder the columns of ``layout`` in place; return the fewest crossings found."""
    columns = layout.columns
    best = layout.crossings()
    best_order = [list(col) for col in columns]

    def restore():
        for r, col in enumerate(best_order):
            columns[r] = list(col)
            renumber(columns[r])

    for sweep in range(sweeps):
        if best == 0:
            return best
        forward = sweep % 2 == 0
        for col in columns[1:] if forward else columns[-2::-1]:
            def barycentre(n, forward=forward):
                near = n.left if forward else n.right
                return sum(m.pos for m in near) / len(near) if near else n.pos

            col.sort(key=lambda n: (barycentre(n), n.pos))
            renumber(col)
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
                return crossings_right_of(col) + (crossings_right_of(columns[r - 1]) if r else 0)

            for node in list(col):
                col.remove(node)
                costs = []
                for i in range(len(col) + 1):
                    col.insert(i, node)
                    renumber(col)
                    costs.append(local())
                    col.pop(i)
                i = costs.index(min(costs))  # the first best place: deterministic
                col.insert(i, node)
                renumber(col)
        count = layout.crossings()
        if count < best:
            best, best_order = count, [list(c) for c in columns]
        else:
            break
    restore()
    return best


def fewest_crossings(columns, budget=300_000):
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
        renumber(reordered)
