"""Build your own tracer: a check of the reader's scalar value class against ``mathnotes.Value``.

The reader writes a class with ``+``, ``*``, ``**`` (a constant exponent),
``tanh``, ``exp`` and ``backward``. :class:`TracerExercise` builds a random
expression graph with fan-out and an operation on one value twice (``a * a``),
evaluates it with the reader's class and with ``mathnotes.Value``, and compares
every value and every gradient; the first node, from the output back, whose
gradient differs is reported. The likely mistake is found by small probe
graphs, each of which only one kind of mistake can fail, tried in order:

1. a value of the forward pass is wrong (**forward**);
2. the output's own gradient is not 1 (**seed**);
3. one operation on inputs: the gradient it sends is its upstream gradient
   unchanged (**local factor**, the chain rule's local factor missing) or
   another wrong local derivative (**local derivative**);
4. a chain of additions: gradients do not reach the inputs in the order the
   chain needs (**topological order**);
5. one operation followed by a product: the operation ignores the gradient it
   receives (**upstream**);
6. inputs used twice, directly (``a * b + a``, ``c * c``, ``d + d``): the parts
   do not add up (**overwrite**, ``=`` where ``+=`` belongs);
7. an intermediate read by two operations at different depths: it passed its
   gradient on before that was complete, or more than once (**topological
   order**).
"""

import numpy as np

from bookcode.practice import diagnosis, graphs, verdict
from bookcode.practice.exercise import verdict_of
from bookcode.practice.reader_code import BadAnswer, NotAnswered, Printed, ReaderError, call

METHODS = ("__add__", "__mul__", "__pow__", "tanh", "exp", "backward")
_SYMBOL = {"add": "+", "mul": "*", "pow": "**", "tanh": "tanh", "exp": "exp"}
_METHOD = {"add": "__add__", "mul": "__mul__", "pow": "__pow__", "tanh": "tanh", "exp": "exp"}


def _fan_out_early(a, b, c):
    u = (a * b).tanh()
    return u * (u.exp() + c)


def _fan_out_late(a, b, c):
    u = (a * b).tanh()
    return (u.exp() + c) * u


#: step 3: one operation on inputs; step 5: the same, times an input
ONE_OPERATION = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "pow": lambda a: a ** 3,
                 "tanh": lambda a: a.tanh(), "exp": lambda a: a.exp()}
TIMES_AN_INPUT = {"add": lambda a, b, c: (a + b) * c, "mul": lambda a, b, c: (a * b) * c,
                  "pow": lambda a, c: a ** 2 * c, "tanh": lambda a, c: a.tanh() * c,
                  "exp": lambda a, c: a.exp() * c}
ADDITIONS = lambda a, b, c, d: ((a + b) + c) + d  # noqa: E731
USED_TWICE = lambda a, b, c, d: (a * b + a) * (c * c) + (d + d)  # noqa: E731
SHARED = (_fan_out_early, _fan_out_late)


def _number(value, what):
    if isinstance(value, (bool, np.bool_)) or value is None or np.ndim(value) != 0:
        raise BadAnswer(f"{what} is {value!r}; expected a single number (a float).")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise BadAnswer(f"{what} is {value!r}; expected a single number (a float).") from None


class Run:
    """One graph evaluated by the reader's class and by ``mathnotes.Value``."""

    def __init__(self, graph, data, grad):
        self.graph, self.data, self.grad = graph, data, grad
        self.ref_data, self.ref_grad, self.parts = graph.reference()

    def first_wrong_value(self):
        return next((i for i in range(len(self.graph))
                     if not diagnosis.close(self.data[i], self.ref_data[i])), None)

    def first_wrong_gradient(self):
        """From the output back: the first node whose gradient differs, or None."""
        return next((i for i in reversed(range(len(self.graph)))
                     if not diagnosis.close(self.grad[i], self.ref_grad[i])), None)

    def table(self):
        rows = [f"{'node':<22}{'value':>10}{'your grad':>12}{'Value grad':>12}"]
        for i in reversed(range(len(self.graph))):
            flag = "" if diagnosis.close(self.grad[i], self.ref_grad[i]) else "  <- differs"
            text = self.graph.text(i).replace("the input ", "")
            rows.append(f"{text:<22}{self.ref_data[i]:>10.4g}{self.grad[i]:>12.4g}"
                        f"{self.ref_grad[i]:>12.4g}{flag}")
        return " " + "\n".join(rows)


class TracerExercise:
    """A practice exercise: write the class ``name`` (a scalar value with backward).

    ``planted`` holds typical mistakes as changes of the worked solution; ``sections``
    maps a mistake name to the section of the chapter that teaches it.
    """

    def __init__(self, name, *, section, sections, planted=()):
        self.name, self.section, self.sections = name, section, dict(sections)
        self.planted = tuple(planted)

    def run(self, answer, seed=None):
        """Check the class ``answer`` on fresh random graphs; return its :class:`Verdict`."""
        if not isinstance(answer, type):
            return verdict.error(f"{self.name} is a {type(answer).__name__}, not a class: "
                                 f"define it with class {self.name}: in the cell above.")
        missing = [m for m in METHODS if not callable(getattr(answer, m, None))]
        if missing:
            return verdict.error(f"{self.name} has no method {', '.join(missing)}; it needs "
                                 f"{', '.join(METHODS)}.")
        printed = Printed()
        unwritten = self._unwritten(answer, printed)
        if unwritten:
            methods = (unwritten[0] if len(unwritten) == 1
                       else ", ".join(unwritten[:-1]) + " and " + unwritten[-1])
            verb = "raises" if len(unwritten) == 1 else "raise"
            return verdict.not_answered(f"{self.name}: {methods} still {verb} NotImplementedError. "
                                        f"Write them in the cell above, run that cell, then run "
                                        f"this one.")
        rng = np.random.default_rng(seed)
        graph_list = [graphs.random_graph(rng), *self._probes(rng)]
        return verdict_of(self.name,
                          lambda printed: [self._evaluate(answer, g, printed) for g in graph_list],
                          self._judge)

    def _unwritten(self, cls, printed):
        """The methods that raise ``NotImplementedError``, tried in a fixed order on fixed values."""
        unwritten = []
        for method, use in (("__add__", lambda a, b: a + b), ("__mul__", lambda a, b: a * b),
                            ("__pow__", lambda a, b: a ** 2), ("tanh", lambda a, b: a.tanh()),
                            ("exp", lambda a, b: a.exp()), ("backward", lambda a, b: a.backward())):
            try:
                a, b = (call(cls, x, printed=printed, what=self.name) for x in (0.5, -1.5))
                call(use, a, b, printed=printed, what=f"{self.name}.{method}")
            except NotAnswered:
                unwritten.append(method)
            except (ReaderError, BadAnswer):
                pass  # the check itself reports it
        return unwritten

    @staticmethod
    def _probes(rng):
        def inputs(n):
            return list(rng.uniform(1.2, 1.8, size=n) * rng.choice([-1.0, 1.0], size=n))

        expressions = [*ONE_OPERATION.values(), ADDITIONS, *TIMES_AN_INPUT.values(), USED_TWICE,
                       *SHARED]
        return [graphs.record(e, inputs(e.__code__.co_argcount)) for e in expressions]

    def _evaluate(self, cls, graph, printed):
        def make(x):
            return self._checked(call(cls, x, printed=printed, what=f"{self.name}({x:.3g})"),
                                 f"{self.name}({x:.3g})", "__init__")

        def apply(op, args, i):
            what = graph.text(i)
            return self._checked(call(graphs.OPERATIONS[op][0], *args, printed=printed,
                                           what=what), what, _METHOD[op])

        values = graph.evaluate(make, apply)
        data = [_number(v.data, f"the .data of {graph.text(i)}") for i, v in enumerate(values)]
        call(values[-1].backward, printed=printed, what=f"backward() on {graph.name(len(graph) - 1)}")
        grad = [_number(v.grad, f"the .grad of {graph.text(i)} after backward()")
                for i, v in enumerate(values)]
        return Run(graph, data, grad)

    def _checked(self, value, what, method):
        if value is None:
            raise BadAnswer(f"{what} gave None; expected a {self.name}. Is the return statement "
                            f"of {self.name}.{method} missing?")
        if not callable(getattr(value, "backward", None)):  # a number, for example
            raise BadAnswer(f"{what} gave a {type(value).__name__}; expected a {self.name}.")
        for attribute in ("data", "grad"):
            if not hasattr(value, attribute):
                raise BadAnswer(f"{what} has no attribute .{attribute}; a {self.name} keeps its "
                                f"value in .data and its gradient in .grad.")
        return value

    def _judge(self, runs):
        graph_run, probe_runs = runs[0], runs[1:]
        for run in runs:  # the forward pass first: everything else depends on it
            i = run.first_wrong_value()
            if i is not None:
                op = run.graph.node(i).op
                mistake = self._mistake(
                    "forward", f"The value of {run.graph.text(i)} is {run.data[i]:.6g}; "
                    f"mathnotes.Value gives {run.ref_data[i]:.6g}: the forward pass of "
                    f"{_SYMBOL[op]} ({self.name}.{_METHOD[op]}) is wrong.")
                return verdict.wrong(f"the value of {run.graph.text(i)} is wrong.",
                                     [f"Mistake ({mistake.name}): {mistake.sentence}",
                                      mistake.hint.paragraph()], mistake="forward")
        failing = [run for run in runs if run.first_wrong_gradient() is not None]
        if not failing:
            return verdict.correct(f"every value and gradient of {self.name} matches "
                                   f"mathnotes.Value on a random graph and {len(probe_runs)} "
                                   f"small ones.")
        shown = graph_run if graph_run in failing else failing[0]
        i = shown.first_wrong_gradient()
        mistake = self._diagnose(probe_runs)
        message = (f"the gradient of {shown.graph.text(i)} is {shown.grad[i]:.6g}; "
                   f"mathnotes.Value gives {shown.ref_grad[i]:.6g}. It is the first node, from "
                   f"the output back, whose gradient differs in the graph below.")
        details = ([f"Mistake ({mistake.name}): {mistake.sentence}", mistake.hint.paragraph()]
                   if mistake else ["No common mistake explains it; compare the gradients "
                                    "below, node by node, from the output back."])
        details += [f"The graph: {shown.graph.expression()}", shown.table()]
        return verdict.wrong(message, details, mistake=mistake.name if mistake else None)

    def _mistake(self, name, sentence):
        return diagnosis.Mistake(name, "", None, sentence,
                                 diagnosis.Hint(_HINTS[name], self.sections[name]))

    def _diagnose(self, probes):
        """The first mistake a probe graph shows, in the order of the module's list."""
        one_op, additions = probes[:5], probes[5]
        times_input, used_twice, shared = probes[6:11], probes[11], probes[12:]
        if not diagnosis.close(one_op[0].grad[-1], 1.0):
            return self._mistake("seed", f"After backward() on out = a + b, out.grad is "
                                         f"{one_op[0].grad[-1]:.6g}: backward must start by "
                                         f"setting the output's own gradient to 1.")
        for op, run in zip(ONE_OPERATION, one_op):
            leaf = run.first_wrong_gradient()
            if leaf is None:
                continue
            got, right = run.grad[leaf], run.ref_grad[leaf]
            where = (f"On {run.graph.expression()}, {run.graph.name(leaf)}.grad is {got:.6g}; "
                     f"mathnotes.Value gives {right:.6g}")
            if diagnosis.close(got, 1.0) and not diagnosis.close(right, 1.0):
                return self._mistake("local factor", f"{where}: {self.name}.{_METHOD[op]} "
                                     f"passes the upstream gradient on without multiplying it "
                                     f"by its local derivative.")
            return self._mistake("local derivative", f"{where}: the local derivative in "
                                 f"{self.name}.{_METHOD[op]} is wrong.")
        if additions.first_wrong_gradient() is not None:
            return self._order(additions)
        for op, run in zip(TIMES_AN_INPUT, times_input):
            if run.first_wrong_gradient() is None:
                continue
            scale = run.ref_data[len(run.graph.leaves) - 1]  # the input the result is multiplied by
            if diagnosis.close(run.grad[0], run.ref_grad[0] / scale):
                return self._mistake("upstream", f"On {run.graph.expression()}, a.grad is "
                                     f"{run.grad[0]:.6g}; mathnotes.Value gives "
                                     f"{run.ref_grad[0]:.6g}: {self.name}.{_METHOD[op]} does "
                                     f"not multiply its local derivative by the gradient it "
                                     f"receives (out.grad).")
            return None
        if used_twice.first_wrong_gradient() is not None:
            leaf = used_twice.first_wrong_gradient()
            return self._mistake("overwrite", f"On {used_twice.graph.expression()}, where a, c "
                                 f"and d are each used twice, {used_twice.graph.name(leaf)}.grad "
                                 f"is {used_twice.grad[leaf]:.6g}; mathnotes.Value gives "
                                 f"{used_twice.ref_grad[leaf]:.6g}: a gradient is overwritten "
                                 f"where its parts must add (= where += belongs).")
        for run in shared:
            if run.first_wrong_gradient() is not None:
                return self._order(run)
        return None

    def _order(self, run):
        i = run.first_wrong_gradient()
        return self._mistake("topological order", f"On {run.graph.expression()}, "
                             f"{run.graph.name(i)}.grad is {run.grad[i]:.6g}; mathnotes.Value "
                             f"gives {run.ref_grad[i]:.6g}, although every operation alone is "
                             f"right: a value passed its gradient on before that gradient was "
                             f"complete, or more than once. backward must visit the values in "
                             f"reverse topological order, each once.")


_HINTS = {
    "forward": "Compute the operation's value in the new object's data.",
    "seed": "Start backward with self.grad = 1.0, then visit the values.",
    "local factor": "Each operation sends back its local derivative times out.grad.",
    "local derivative": "Derive the operation's local derivative again.",
    "upstream": "Multiply the local derivative by out.grad, the gradient the result received.",
    "overwrite": "Add every contribution into .grad with +=; never assign it.",
    "topological order": "Order the values so that each comes after everything it was computed "
                         "from, then call their backward functions in the reverse of that order.",
}
