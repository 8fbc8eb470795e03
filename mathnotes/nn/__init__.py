"""Layers and losses written by hand: the pieces of a small network in NumPy.

Everything here uses the **sample-first** convention of NumPy and PyTorch code:
a batch is a 2-d array with one example per row, shape ``(N, features)``, and a
fully connected layer computes ``Y = X @ W + b``. Each layer caches what its
backward pass needs during ``forward``; ``backward(dY)`` takes the gradient of
a scalar loss with respect to the layer's output (shaped like the output) and
returns the gradient with respect to its input (shaped like the input).

Chapter 6 of the course derives every formula used here and checks each
backward pass numerically; chapter 7 trains a network built from these parts.
"""

from mathnotes.nn._layers import Linear, ReLU, Sequential
from mathnotes.nn._losses import softmax_cross_entropy, squared_error

__all__ = [
    "Linear",
    "ReLU",
    "Sequential",
    "squared_error",
    "softmax_cross_entropy",
]
