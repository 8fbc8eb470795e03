"""One walk over a traced graph: everything a circuit drawing needs from the tracer.

Reading the graph never changes it: the gradient on each wire comes from
:meth:`Value.input_gradients <mathnotes.Value.input_gradients>`, which
computes what each input receives without touching any ``.grad``.
"""


class Circuit:
    """The graph of ``out``, collected in one walk.

    Parameters
    ----------
    out : Value
        The output; everything it was computed from is collected.
    wire_gradients : bool, optional
        Also collect the gradient each wire carries back, for operations
        whose inputs are all scalars, in graphs of at most
        :attr:`MAX_LABELLED` values (larger drawings are too small to read them).

    Attributes
    ----------
    values : list of Value
        Every value, inputs first, ``out`` last (:meth:`Value.topological_order`).
    index : dict
        The position of each value in ``values``.
    users : dict
        For each value, the distinct values computed from it, in order.
    fan_out : dict
        For each value, how many wires leave it (a value used twice by one
        operation counts twice).
    wire_gradients : dict
        ``(source, result)`` to the gradient (a float) that ``source``
        receives from ``result``'s operation; empty unless asked for. A
        constant source receives none and has no entry.
    """

    MAX_LABELLED = 300

    def __init__(self, out, *, wire_gradients=False):
        self.out = out
        self.values = out.topological_order()
        self.index = {v: i for i, v in enumerate(self.values)}
        self.users = {v: [] for v in self.values}
        self.fan_out = dict.fromkeys(self.values, 0)
        self.wire_gradients = {}
        wire_gradients = wire_gradients and len(self.values) <= self.MAX_LABELLED
        for v in self.values:
            for p in dict.fromkeys(v.inputs):
                self.users[p].append(v)
            for p in v.inputs:
                self.fan_out[p] += 1
            if (wire_gradients and v.requires_grad and v.inputs
                    and all(p.data.ndim == 0 for p in v.inputs)):
                for p, g in zip(v.inputs, v.input_gradients()):
                    if g is not None:  # a constant's wire carries no gradient
                        self.wire_gradients[(p, v)] = self.wire_gradients.get((p, v), 0.0) + float(g)

    def __len__(self):
        return len(self.values)

    @property
    def operations(self):
        """How many values are the result of an operation."""
        return sum(1 for v in self.values if v.inputs)

    def post_order(self, *, last_first):
        """Position of each value in a depth-first walk back from the output.

        With ``last_first`` the walk visits each operation's inputs from the
        last to the first; otherwise it is :attr:`index`. The layout tries
        both as starting orders.
        """
        if not last_first:
            return self.index
        order, seen, stack = {}, set(), [(self.out, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order[node] = len(order)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node.inputs if p not in seen)
        return order

    def between(self, marked):
        """The ``marked`` values and every value on a path from one of them to another."""
        if len(marked) < 2:
            return set(marked)
        after, before = set(), set()  # a marked value at or before / at or after it
        for v in self.values:
            if v in marked or any(p in after for p in v.inputs):
                after.add(v)
        for v in reversed(self.values):
            if v in marked or v in before:
                before.add(v)
                before.update(v.inputs)
        return {v for v in self.values if v in after and v in before}
