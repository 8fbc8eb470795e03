"""The practice exercises of chapter 8, *The layers of modern networks*: backprop, atom by atom.

Two forward passes written one primitive operation a line, a softmax
cross-entropy with the max shift and a batch normalisation; the reader writes
the gradient of every intermediate (:class:`~bookcode.practice.atoms.StagedExercise`).
The chapter prints them with ``bookcode.source.show``; its check cells call
:func:`check`.
"""

import numpy as np

from bookcode.practice.atoms import StagedExercise
from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake, NonzeroWhereZero
from bookcode.practice.exercise import Planted
from bookcode.practice.staged import Staged

ATOMS = "Backprop, atom by atom"
BATCHNORM = "Batch normalisation"
FORKS = Hint("Add the parts that come back through every step that reads it (+=, not =).",
             "Gradients add at forks", "chapter 5")


def xent_forward(s, y):
    n = s.shape[0]
    m = s.max(axis=1, keepdims=True)   # (N, 1) the max shift of each row
    z = s - m                          # (N, K) shifted scores, at most 0
    e = np.exp(z)                      # (N, K)
    se = e.sum(axis=1, keepdims=True)  # (N, 1)
    inv = 1.0 / se                     # (N, 1)
    p = e * inv                        # (N, K) probabilities, rows sum to 1
    logp = np.log(p)                   # (N, K)
    picked = logp[np.arange(n), y]     # (N,) log-probability of each label
    loss = -picked.mean()              # mean negative log-likelihood
    return loss


def batchnorm_forward(x, gamma, beta, G):
    n = x.shape[0]
    mu = x.mean(axis=0)                # (D,) each feature's batch mean
    xc = x - mu                        # (N, D) centred
    sq = xc**2                         # (N, D)
    var = sq.mean(axis=0)              # (D,) a mean over N, not N - 1
    std = np.sqrt(var + 1e-5)          # (D,)
    inv = 1.0 / std                    # (D,)
    xhat = xc * inv                    # (N, D) standardised
    gx = gamma * xhat                  # (N, D) scaled
    y = gx + beta                      # (N, D) shifted: the layer's output
    loss = (y * G).sum()               # its gradient on y is G
    return loss


def _scores(rng, k):
    n, classes = 3 + k, 4 + k % 2
    return {"s": rng.normal(0.0, 2.0, size=(n, classes)), "y": rng.integers(0, classes, size=n)}


def _batch(rng, k):
    n, d = 4 + k, 2 + k % 3
    return {"x": rng.normal(1.0, 2.0, size=(n, d)), "gamma": rng.normal(size=d),
            "beta": rng.normal(size=d), "G": rng.normal(size=(n, d))}


XENT = StagedExercise(
    "xent_backward", forward=Staged(xent_forward, wrt=("s",)), inputs=_scores, section=ATOMS,
    fan_out=FORKS,
    mistakes=[NonzeroWhereZero(
        "max shift", "m",
        "d[\"m\"] is not zero, and it must be: subtracting the same m from every score of a row "
        "changes neither the probabilities nor the loss, so the loss does not depend on m. "
        "The chain rule agrees: d[\"m\"] = -(sum of d[\"z\"] over the row), and each row of "
        "d[\"z\"] = p - onehot sums to zero.",
        Hint("z = s - m sends -d[\"z\"], summed over the broadcast axis, to m; then check that "
             "it is zero up to rounding.", ATOMS))],
    hints={"factor": Hint("The loss is the mean over the N rows: each picked entry gets -1/N.",
                          ATOMS)},
    planted=[Planted("factor", "-np.ones(n) / n", "-np.ones(n)"),
             Planted("fan-out", 'd["e"] += d["se"] * np.ones_like(c["e"])',
                     'd["e"] = d["se"] * np.ones_like(c["e"])'),
             Planted("max shift", '-d["z"].sum(axis=1, keepdims=True)', '-np.ones_like(c["m"])'),
             Planted("local factor", 'd["z"] = d["e"] * c["e"]', 'd["z"] = d["e"]')],
)

BATCHNORM_ATOMS = StagedExercise(
    "batchnorm_backward", forward=Staged(batchnorm_forward, wrt=("x", "gamma", "beta")),
    inputs=_batch, section=ATOMS, fan_out=FORKS,
    mistakes=[Mistake(
        "n-1", "sq", lambda c: c["right"]["sq"] * c["n"] / (c["n"] - 1),
        "d[\"sq\"] is N/(N - 1) times the right one: the backward pass of var = sq.mean(axis=0) "
        "divided by N - 1 (the unbiased variance) where the forward pass divides by N. The "
        "backward pass must differentiate the forward pass as written.",
        Hint("A mean over N examples sends d[\"var\"] / N to each of them.", BATCHNORM))],
    hints={"sign": Hint("inv = 1 / std has the local derivative -1 / std².", ATOMS),
           "factor": Hint("A mean over the N examples divides by N.", BATCHNORM)},
    planted=[Planted("n-1", 'd["var"] / n', 'd["var"] / (n - 1)'),
             Planted("fan-out", 'd["xc"] += 2 * c["xc"] * d["sq"]',
                     'd["xc"] = 2 * c["xc"] * d["sq"]'),
             Planted("sign", 'd["std"] = -d["inv"]', 'd["std"] = d["inv"]')],
)

CHAPTER = Chapter([XENT, BATCHNORM_ATOMS])
check = CHAPTER.check
progress = CHAPTER.progress
