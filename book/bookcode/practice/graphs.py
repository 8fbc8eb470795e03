"""Expression graphs of scalars, written once and evaluated with any value class.

A :class:`Graph` lists its nodes in creation order (inputs first), so that
the reverse of that order is a reverse topological order. Graphs are made by
running an ordinary expression on recording placeholders (:func:`record`) or
at random (:func:`random_graph`, with fan-out and a node used twice in one
operation), then evaluated with ``mathnotes.Value`` or with the reader's class.
"""

from dataclasses import dataclass

import numpy as np

import mathnotes as mn

#: the operations a graph may use: how to apply each, and how to write it
OPERATIONS = {
    "add": (lambda a, b: a + b, "{0} + {1}"),
    "mul": (lambda a, b: a * b, "{0} * {1}"),
    "pow": (lambda a, k: a ** k, "{0} ** {1:g}"),
    "tanh": (lambda a: a.tanh(), "{0}.tanh()"),
    "exp": (lambda a: a.exp(), "{0}.exp()"),
}
LEAF_NAMES = "abcdefgh"


@dataclass(frozen=True)
class Node:
    """``op`` applied to earlier nodes ``operands`` (and the exponent ``constant`` of ``pow``)."""

    op: str
    operands: tuple = ()
    constant: float = None


class Graph:
    """Scalar inputs ``leaves`` (their values) followed by the operation ``nodes``; the last is the output."""

    def __init__(self, leaves, nodes):
        self.leaves, self.nodes = list(leaves), list(nodes)

    def __len__(self):
        return len(self.leaves) + len(self.nodes)

    def name(self, i):
        return LEAF_NAMES[i] if i < len(self.leaves) else f"v{i - len(self.leaves) + 1}"

    def node(self, i):
        return self.nodes[i - len(self.leaves)] if i >= len(self.leaves) else None

    def text(self, i):
        """``v3 = a * b``, or the name of an input."""
        node = self.node(i)
        if node is None:
            return f"the input {self.name(i)}"
        args = [self.name(j) for j in node.operands]
        if node.constant is not None:
            args.append(node.constant)
        return f"{self.name(i)} = {OPERATIONS[node.op][1].format(*args)}"

    def readers(self, i):
        """``(node index, position)`` for every use of node ``i`` as an operand."""
        return [(k, p) for k in range(len(self.leaves), len(self))
                for p, j in enumerate(self.node(k).operands) if j == i]

    def expression(self):
        """The graph written as lines of code."""
        return "; ".join(self.text(i) for i in range(len(self.leaves), len(self)))

    def with_leaves(self, leaves):
        return Graph(leaves, self.nodes)

    def evaluate(self, make, apply=None):
        """Every node's value: inputs made by ``make(x)``, operations by ``apply(op, args, i)``."""
        apply = apply or (lambda op, args, i: OPERATIONS[op][0](*args))
        values = [make(x) for x in self.leaves]
        for i, node in enumerate(self.nodes, start=len(self.leaves)):
            args = [values[j] for j in node.operands]
            if node.constant is not None:
                args.append(node.constant)
            values.append(apply(node.op, args, i))
        return values

    def reference(self):
        """``(data, grad, parts)`` from ``mathnotes.Value``: per node its value, its gradient, and
        the part of the gradient each of its readers sends back, keyed by ``(reader, position)``."""
        values = self.evaluate(mn.Value)
        values[-1].backward()
        parts = {}
        for k in range(len(self.leaves), len(self)):
            for position, part in enumerate(values[k].input_gradients()):
                parts[k, position] = float(part)
        return ([float(v.data) for v in values], [float(v.grad) for v in values], parts)


class _Recorder:
    """A placeholder for node ``index`` that records the operations applied to it in ``nodes``."""

    def __init__(self, nodes, index):
        self.nodes, self.index = nodes, index

    def _record(self, op, operands, constant=None):
        self.nodes.append(Node(op, operands, constant))
        return _Recorder(self.nodes, self.nodes.leaves + len(self.nodes) - 1)

    def __add__(self, other):
        return self._record("add", (self.index, other.index))

    def __mul__(self, other):
        return self._record("mul", (self.index, other.index))

    def __pow__(self, k):
        return self._record("pow", (self.index,), float(k))

    def tanh(self):
        return self._record("tanh", (self.index,))

    def exp(self):
        return self._record("exp", (self.index,))


class _Nodes(list):
    """The recorded nodes, and how many inputs come before them."""

    def __init__(self, leaves):
        super().__init__()
        self.leaves = leaves


def record(expression, leaves):
    """The graph of ``expression(*inputs)``, with inputs of values ``leaves``."""
    nodes = _Nodes(len(leaves))
    expression(*[_Recorder(nodes, i) for i in range(len(leaves))])
    return Graph(leaves, list(nodes))


def _pick(rng, readers, pool):
    """A node of ``pool``, most often one that nothing reads yet."""
    unread = [i for i in pool if not readers[i]]
    choices = unread if unread and rng.random() < 0.7 else pool
    return int(rng.choice(choices))


def _attempt(rng, leaves, operations):
    kinds = list(rng.permutation(["add", "add", "mul", "mul", "pow", "tanh", "tanh", "exp"]))
    kinds.insert(int(rng.integers(1, len(kinds))), "self")
    kinds = kinds[:operations]
    values = list(rng.uniform(0.3, 1.5, size=leaves) * rng.choice([-1.0, 1.0], size=leaves))
    readers = [[] for _ in values]
    nodes = []

    def add(node):
        nodes.append(node)
        for j in node.operands:
            readers[j].append(len(values))
        args = [values[j] for j in node.operands]
        values.append({"add": lambda: args[0] + args[1], "mul": lambda: args[0] * args[1],
                       "pow": lambda: args[0] ** node.constant, "tanh": lambda: np.tanh(args[0]),
                       "exp": lambda: np.exp(args[0])}[node.op]())
        readers.append([])

    for kind in kinds:
        pool = range(len(values))
        if kind == "self":
            j = _pick(rng, readers, pool)
            add(Node(str(rng.choice(["mul", "add"])), (j, j)))
        elif kind in ("add", "mul"):
            j = _pick(rng, readers, pool)
            add(Node(kind, (j, _pick(rng, readers, [i for i in pool if i != j]))))
        else:
            small = [i for i in pool if abs(values[i]) <= 2.0] or list(pool)
            add(Node(kind, (_pick(rng, readers, small),),
                     float(rng.choice([2.0, 3.0])) if kind == "pow" else None))
    while sum(not r for r in readers) > 1:  # the output adds up everything nothing reads
        unread = [i for i, r in enumerate(readers) if not r]
        add(Node("add", (unread[0], unread[1])))
    return Graph([float(v) for v in values[:leaves]], nodes)


def random_graph(rng, leaves=3, operations=9):
    """A random graph whose output depends on every node, with an operation on one node twice
    (``a * a`` or ``a + a``), an intermediate read by two operations, and moderate values."""
    while True:
        graph = _attempt(rng, leaves, operations)
        data, grad, _ = graph.reference()
        shared = any(len({k for k, _ in graph.readers(i)}) > 1
                     for i in range(leaves, len(graph)))
        if shared and max(map(abs, data)) < 50 and max(map(abs, grad)) < 1e3:
            return graph
