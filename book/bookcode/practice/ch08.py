"""The practice exercises of chapter 8, *The layers of modern networks*.

Three layers' backward passes as functions (:class:`~bookcode.practice.exercise.FunctionExercise`):
layer normalisation, a convolution, and one head of causal attention. Then backprop, atom by atom: two
forward passes written one primitive operation a line, a softmax cross-entropy with the max
shift and a batch normalisation; the reader writes the gradient of every intermediate
(:class:`~bookcode.practice.atoms.StagedExercise`). The chapter prints the forward passes
with ``bookcode.source.show``; its check cells call :func:`check`.
"""

import numpy as np

from bookcode import ch08 as layers
from bookcode.practice.atoms import StagedExercise
from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake, NonzeroWhereZero
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient
from bookcode.practice.staged import Staged

ATOMS = "Backprop, atom by atom"
BATCHNORM = "Batch normalisation"
CLOSED_FORM = "The closed form"
LAYERNORM = "Layer normalisation"
ATTENTION = "Softmax attention, one head"
CAUSAL = "What the causal mask does to the gradient"
EPS = 1e-5  # the layer norm of the exercise, as its stub says


# ---------------------------------------------------------------- layer normalisation
def _rows(rng, k):
    n, features = 2 + k, 3 + k % 3
    return {"x": rng.normal(0.5, 2.0, size=(n, features)), "gamma": rng.normal(size=features),
            "dy": rng.normal(size=(n, features))}


def _layernorm(x, gamma, dy):
    """Layer norm with beta = 0 (its gradient, dy summed over the rows, is not asked for)."""
    return layers.normalize_forward(x, gamma, 0.0, axis=-1, eps=EPS)[0]


def _layernorm_dx(c, axis):
    """dx by the closed form, with the two sums taken over ``axis``."""
    x = c["x"]
    xc = x - x.mean(axis=-1, keepdims=True)
    std = np.sqrt((xc**2).mean(axis=-1, keepdims=True) + EPS)
    xhat, dxhat = xc / std, c["dy"] * c["gamma"]
    return (dxhat - dxhat.mean(axis=axis, keepdims=True)
            - xhat * (dxhat * xhat).mean(axis=axis, keepdims=True)) / std


def _frozen_dx(c):
    x = c["x"]
    std = np.sqrt(x.var(axis=-1, keepdims=True) + EPS)
    return c["dy"] * c["gamma"] / std


LAYERNORM_BACKWARD = FunctionExercise(
    "layernorm_backward", inputs=_rows, section=LAYERNORM, function=_layernorm, upstream="dy",
    outputs=[Gradient("dx", "x"), Gradient("dgamma", "gamma")],
    mistakes=[
        Mistake("frozen statistics", "dx", _frozen_dx,
                "your dx is dy ⊙ γ / r, the gradient of a layer whose mean and root are "
                "fixed numbers: each row's mean and root depend on x, and their two terms "
                "are missing.",
                Hint("Follow x through μ and through r too, as in the theorem.", CLOSED_FORM)),
        Mistake("batch axis", "dx", lambda c: _layernorm_dx(c, axis=0),
                "your dx takes its two sums over the batch (axis 0), as batch norm does: "
                "layer norm's mean and root are taken over each row's features, so the sums "
                "of its backward pass run over axis -1 too.",
                Hint("The sums run over the axis the statistics were taken over.", LAYERNORM)),
    ],
    hints={"factor": Hint("A mean over the D features divides by D.", LAYERNORM),
           "reduction axis": Hint("gamma is broadcast over the rows: its gradient sums over "
                                  "axis 0.", LAYERNORM)},
    planted=[Planted("frozen statistics",
                     "(dxhat - dxhat.mean(axis=-1, keepdims=True)\n"
                     "          - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))",
                     "dxhat"),
             Planted("batch axis",
                     "dxhat.mean(axis=-1, keepdims=True)\n"
                     "          - xhat * (dxhat * xhat).mean(axis=-1",
                     "dxhat.mean(axis=0, keepdims=True)\n"
                     "          - xhat * (dxhat * xhat).mean(axis=0")],
)


# ---------------------------------------------------------------- a convolution's gradients
def _images(rng, k):
    N, C, F, kh, kw = 2, 1 + k % 2, 2 + k % 2, 2 + k % 2, 3 - k % 2
    H, W = 4 + k % 3, 5
    return {"x": rng.normal(size=(N, C, H, W)), "w": rng.normal(size=(F, C, kh, kw)),
            "dout": rng.normal(size=(N, F, H - kh + 1, W - kw + 1))}


def _convolution(x, w, dout):
    return layers.conv2d_forward(x, w, np.zeros(len(w)))[0]


def _conv_dx(c, flip=False, overwrite=False):
    """dx by the loops over output positions, with the kernel flipped or the patches'
    gradients written over each other instead of added."""
    x, w, dout = c["x"], c["w"], c["dout"]
    kh, kw = w.shape[2:]
    kernel = w[:, :, ::-1, ::-1] if flip else w
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            part = np.einsum("nf,fckl->nckl", dout[:, :, i, j], kernel)
            if overwrite:
                dx[:, :, i:i + kh, j:j + kw] = part
            else:
                dx[:, :, i:i + kh, j:j + kw] += part
    return dx


def _conv_dw_last_patch(c):
    x, dout = c["x"], c["dout"]
    kh, kw = c["w"].shape[2:]
    i, j = dout.shape[2] - 1, dout.shape[3] - 1
    return np.einsum("nf,nckl->fckl", dout[:, :, i, j], x[:, :, i:i + kh, j:j + kw])


OVERLAPS = Hint("A pixel belongs to several patches: add (+=) what each sends back.",
                "Backward: chapter 6, then fold")
CONV_BACKWARD = FunctionExercise(
    "conv_backward", inputs=_images, section="Convolution", function=_convolution,
    upstream="dout", outputs=[Gradient("dx", "x"), Gradient("dw", "w")],
    mistakes=[
        Mistake("overwrite", "dx", lambda c: _conv_dx(c, overwrite=True),
                "your dx keeps, for each pixel, only what the last patch over it sends back: "
                "the patches overlap, and their gradients must add (col2im adds).",
                OVERLAPS),
        Mistake("flipped kernel", "dx", lambda c: _conv_dx(c, flip=True),
                "your dx spreads each gradient with the kernel flipped: the flip belongs to "
                "the transposed convolution, which slides over dout; spreading each output's "
                "gradient back over its own patch uses w as it is.",
                Hint("Each output position sends dout times w back over its own patch.",
                     "The input gradient is a transposed convolution")),
        Mistake("overwrite", "dw", _conv_dw_last_patch,
                "your dw holds only the last output position's part: the same filter meets "
                "every patch, and its gradient adds over all of them.",
                OVERLAPS),
    ],
    planted=[Planted("overwrite", "dx[:, :, i:i + kh, j:j + kw] +=",
                     "dx[:, :, i:i + kh, j:j + kw] ="),
             Planted("flipped kernel", 'np.einsum("nf,fckl->nckl", g, w)',
                     'np.einsum("nf,fckl->nckl", g, w[:, :, ::-1, ::-1])'),
             Planted("overwrite", "dw += ", "dw = ")],
)


# ---------------------------------------------------------------- one head of causal attention
def _head(rng, k):
    T, d, d_v = 3 + k, 2 + k % 3, 2 + (k + 1) % 3
    return {"Q": rng.normal(size=(T, d)), "K": rng.normal(size=(T, d)),
            "V": rng.normal(size=(T, d_v)), "dO": rng.normal(size=(T, d_v))}


def _causal_attention(Q, K, V, dO):
    return layers.attention_forward(Q, K, V, causal=True)[0]


def _attention_dS(c, causal=True, softmax_backward=True):
    """dS for the case ``c``: with or without the mask, with the softmax's backward or with
    its diagonal only."""
    _, (Q, K, V, P) = layers.attention_forward(c["Q"], c["K"], c["V"], causal)
    dP = c["dO"] @ V.T
    if not softmax_backward:
        return P * dP
    return P * (dP - (dP * P).sum(axis=1, keepdims=True))


def _dQ(dS, c):
    return dS @ c["K"] / np.sqrt(c["Q"].shape[1])


CAUSAL_ATTENTION = FunctionExercise(
    "causal_attention_backward", inputs=_head, section=ATTENTION, function=_causal_attention,
    upstream="dO",
    outputs=[Gradient("dQ", "Q"), Gradient("dK", "K"), Gradient("dV", "V")],
    mistakes=[
        Mistake("mask", "dQ", lambda c: _dQ(_attention_dS(c, causal=False), c),
                "your dQ is that of attention without the mask: the backward pass used "
                "weights P computed from every score, where the forward pass gave the "
                "future's keys weight 0.",
                Hint("Recompute P with the same mask as the forward pass.", CAUSAL)),
        Mistake("softmax Jacobian", "dQ",
                lambda c: _dQ(_attention_dS(c, softmax_backward=False), c),
                "your dS is P ⊙ dP, the diagonal of the softmax's Jacobian only: every weight "
                "of a row depends on every score of that row, which adds -p (pᵀ dp).",
                Hint("Apply (diag(p) - p pᵀ) to each row of dP.", ATTENTION)),
        Mistake("transpose", "dK",
                lambda c: _attention_dS(c) @ c["Q"] / np.sqrt(c["Q"].shape[1]),
                "your dK is dS Q / √d: S = Q Kᵀ / √d holds K transposed, so its gradient "
                "is (dS)ᵀ Q / √d.",
                Hint("Chapter 6's rule for a product with the second factor transposed.",
                     ATTENTION)),
    ],
    hints={"factor": Hint("S = Q Kᵀ / √d: the 1/√d stays in dQ and dK.", ATTENTION)},
    planted=[Planted("mask", "    S = np.where(np.tril(np.ones(S.shape, dtype=bool)), S, -np.inf)\n",
                     ""),
             Planted("softmax Jacobian", "P * (dP - (dP * P).sum(axis=1, keepdims=True))",
                     "P * dP"),
             Planted("transpose", "dK = dS.T @ Q", "dK = dS @ Q"),
             Planted("factor", "dQ = dS @ K / np.sqrt(d)", "dQ = dS @ K")],
)


# ---------------------------------------------------------------- backprop, atom by atom
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
    # scores within 6 of each other: every probability is above e^-6 / K, far from the step of
    # a central difference (a probability within the step of 0 has no log on one side)
    return {"s": rng.uniform(-3.0, 3.0, size=(n, classes)),
            "y": rng.integers(0, classes, size=n)}


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

# in the order of the chapter
CHAPTER = Chapter([LAYERNORM_BACKWARD, CONV_BACKWARD, CAUSAL_ATTENTION, XENT, BATCHNORM_ATOMS])
check = CHAPTER.check
progress = CHAPTER.progress
