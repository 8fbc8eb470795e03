"""A small reverse-mode tracer: values that remember how they were computed.

Every operation on a :class:`Value` returns a new ``Value`` that keeps its
inputs, the name of the operation and one vector-Jacobian product per input:
a function that turns the gradient of the output into the gradient that input
receives through this operation (the local derivative times the upstream
gradient). :meth:`Value.backward` calls these functions from the output back
to the inputs, in reverse topological order, and adds each result to the
input's ``.grad`` with ``+=``, so the gradients of a value used twice add up.
It calls them only for inputs that require a gradient: a plain array in an
operation is a constant, and so is everything computed from constants only.

Each operation's backward is written right below its forward, so the code
reads like the rules of the backpropagation chapter. The operations live in
private modules by kind: arithmetic, element-wise functions, reductions, and
shape changes with indexing.
"""

from mathnotes.tracer._value import Value, maximum

__all__ = ["Value", "maximum"]
