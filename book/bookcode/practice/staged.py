"""A forward pass written one primitive step a line, and the gradient of its loss at every step.

:class:`Staged` reads a plain Python function whose body is a sequence of
assignments ``name = expression`` ending with ``return loss``: each assignment
is a step. It can then run the pass with any one value replaced (the loss as a
function of that value alone, all later steps recomputed from it), which is
what a gradient check of an intermediate needs, and give the part of an
intermediate's gradient that comes back through each step that reads it, which
is what recognising a fan-out mistake (``=`` instead of ``+=``) needs.
"""

import ast
import inspect
import textwrap
from dataclasses import dataclass

import numpy as np

import mathnotes as mn


@dataclass(frozen=True)
class Step:
    """``name = expression``: the compiled expression, the earlier names it reads, and those
    whose values it uses (not only their shapes)."""

    name: str
    source: str
    code: object
    reads: tuple
    uses: tuple


#: attributes of an array that do not depend on its values
_STRUCTURE = {"shape", "ndim", "size", "dtype"}


def _names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _names_of_values(node):
    """The names whose *values* ``node`` uses: not those it only asks for a shape (``x.shape[0]``, ``len(x)``)."""
    structural = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and n.attr in _STRUCTURE:
            structural.add(id(n.value))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len":
            structural.update(id(arg) for arg in n.args)
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) not in structural}


class Staged:
    """The steps of ``function``; ``wrt`` names the inputs that gradients are taken for.

    The function's parameters are its inputs; every other name it uses comes
    from the module it is defined in (``np``).
    """

    def __init__(self, function, wrt):
        definition = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
        self.function, self.globals = function, function.__globals__
        self.inputs = tuple(arg.arg for arg in definition.args.args)
        self.steps = []
        body = definition.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        known = set(self.inputs)
        for statement in body[:-1]:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)):
                raise ValueError(f"{function.__name__}: every line but the last must be "
                                 f"`name = expression`, got {ast.unparse(statement)!r}")
            name = statement.targets[0].id
            code = compile(ast.Expression(statement.value), f"<{function.__name__}: {name}>",
                           "eval")
            reads = tuple(sorted(_names_in(statement.value) & known))
            uses = tuple(sorted(_names_of_values(statement.value) & known))
            self.steps.append(Step(name, ast.unparse(statement.value), code, reads, uses))
            known.add(name)
        last = body[-1]
        if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name)):
            raise ValueError(f"{function.__name__} must end with `return <name of the loss>`")
        self.loss = last.value.id
        differentiable = set(wrt)
        for step in self.steps:
            if differentiable & set(step.uses):
                differentiable.add(step.name)
        self.differentiable = differentiable
        self.order = self._backward_order(tuple(wrt))

    def _backward_order(self, wrt):
        """Differentiable steps in reverse order, each input of ``wrt`` after its last reader."""
        order = []
        for step in reversed(self.steps):
            if step.name not in self.differentiable:
                continue
            order.append(step.name)
            for name in wrt:
                readers = [s.name for s in self.readers(name)]
                if name not in order and readers and all(r in order for r in readers):
                    order.append(name)
        return tuple(order)

    def readers(self, name):
        """The steps that use the value of ``name``."""
        return [step for step in self.steps if name in step.uses]

    def run(self, inputs, replace=None):
        """Every value of the pass (inputs and steps, in order), with ``replace = (name, value)`` if given."""
        values = dict(inputs)
        if replace is not None and replace[0] in values:
            values[replace[0]] = replace[1]
        for step in self.steps:
            if replace is not None and step.name == replace[0]:
                values[step.name] = replace[1]
            else:
                values[step.name] = eval(step.code, {**self.globals, **values})  # noqa: S307
        return values

    def loss_of(self, inputs, name):
        """The loss as a function of the value of ``name`` alone."""
        def loss(value):
            return self.run(inputs, (name, value))[self.loss]

        return loss

    def through(self, values, step, name, upstream):
        """The part of the gradient of ``name`` that comes back through ``step``, by central differences.

        ``upstream`` is the right gradient of the step's value.
        """
        def step_of(value):
            return eval(step.code, {**self.globals, **values, name: value})  # noqa: S307

        return mn.numerical_vjp(step_of, np.asarray(values[name], dtype=np.float64),
                                np.asarray(upstream, dtype=np.float64))
