"""The practice exercises of chapter 10, *Through time*.

Five exercises, in the order of the chapter: the backward pass of one
recurrent step, the recurrent weights' gradient over a whole sequence, the
gates of an LSTM cell, clipping by norm and max-pooling. The inputs are drawn
afresh, sizes included, for every check; the typical wrong answers are
computed and recognised (a forgotten tanh factor, the gradient from the next
step left out, ``=`` for ``+=``, ...), and each hint names the heading of the
chapter that teaches the point. Check cells call :func:`check`, the table at
the end :func:`progress`.
"""

import numpy as np

from bookcode.ch10 import sigmoid
from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient, Result

BPTT = "Backpropagation through time"
UNROLLED = "The unrolled graph"
LSTM = "The cell's backward pass"
CLIPPING = "Clipping the gradient"
MAXPOOL = "Max-pooling"
PITFALLS = "Pitfalls"


# ---------------------------------------------------------------- one step of the RNN
def rnn_step(x, h_prev, Wh, Wx, b, dh):
    """The step's output h; ``dh`` is the upstream gradient, not used by the forward pass."""
    return np.tanh(Wh @ h_prev + Wx @ x + b)


def _step_point(rng, k):
    H, D = 2 + k % 3, 1 + (k + 1) % 3
    return {"x": rng.normal(size=D), "h_prev": rng.normal(size=H),
            "Wh": rng.normal(0.0, 0.7, size=(H, H)), "Wx": rng.normal(0.0, 0.7, size=(H, D)),
            "b": rng.normal(size=H), "dh": rng.normal(size=H)}


def _step_parts(c):
    a = c["Wh"] @ c["h_prev"] + c["Wx"] @ c["x"] + c["b"]
    return a, np.tanh(a)


STEP = FunctionExercise(
    "rnn_step_grads", inputs=_step_point, section=BPTT, function=rnn_step, upstream="dh",
    outputs=[Gradient("dh_prev", "h_prev"), Gradient("dWh", "Wh")],
    mistakes=[
        Mistake("local factor", "dh_prev", lambda c: c["Wh"].T @ c["dh"],
                "the gradient passes the tanh unchanged: the local factor 1 - h², the "
                "derivative of tanh at this step, is missing.",
                Hint("Multiply dh by 1 - h² (h = tanh(a), the step's output) first.", BPTT)),
        Mistake("slope at the input", "dh_prev",
                lambda c: c["Wh"].T @ (c["dh"] * (1.0 - _step_parts(c)[0] ** 2)),
                "the local factor 1 - tanh² was evaluated at the pre-activation a: it takes "
                "the step's output h = tanh(a), 1 - h².",
                Hint("Write tanh's local gradient with its output h.", BPTT)),
        Mistake("transposed weights", "dh_prev",
                lambda c: c["Wh"] @ (c["dh"] * (1.0 - _step_parts(c)[1] ** 2)),
                "dh_prev was computed with W_h where its transpose belongs: the step sends "
                "W_hᵀ (∇ at a) back to h_prev (the rule of a matrix product, chapter 6).",
                Hint("For a = W_h h_prev + ..., the input's gradient is W_hᵀ times a's.", BPTT)),
    ],
    hints={"transpose": Hint("The weight gradient of a = W h + ... is the outer product "
                             "(∇ at a) h_prevᵀ, shaped like W.", BPTT)},
    planted=[Planted("local factor", "da = dh * (1.0 - h ** 2)", "da = dh"),
             Planted("slope at the input", "da = dh * (1.0 - h ** 2)", "da = dh * (1.0 - a ** 2)"),
             Planted("transposed weights", "dh_prev = Wh.T @ da", "dh_prev = Wh @ da"),
             Planted("transpose", "dWh = np.outer(da, h_prev)", "dWh = np.outer(h_prev, da)")],
)


# ---------------------------------------------------------------- BPTT over a sequence
def rnn_states(xs, h0, Wh, Wx, b, dhs):
    """The states h_1 ... h_T, one per row; ``dhs`` is the upstream gradient, unused here."""
    h, states = h0, []
    for x in xs:
        h = np.tanh(Wh @ h + Wx @ x + b)
        states.append(h)
    return np.array(states)


def _sequence_point(rng, k):
    T, H, D = 3 + k % 4, 2 + k % 3, 1 + (k + 1) % 2
    return {"xs": rng.normal(size=(T, D)), "h0": rng.normal(size=H),
            "Wh": rng.normal(0.0, 0.6, size=(H, H)), "Wx": rng.normal(size=(H, D)),
            "b": rng.normal(0.0, 0.5, size=H), "dhs": rng.normal(size=(T, H))}


def _shares(c, carry=True):
    """Each step's share of dWh, from the last step back, with or without dh_next."""
    states = np.vstack([c["h0"], rnn_states(**c)])
    dh_next, shares = np.zeros(len(c["h0"])), []
    for t in range(len(c["xs"]), 0, -1):
        da = (c["dhs"][t - 1] + (dh_next if carry else 0.0)) * (1.0 - states[t] ** 2)
        shares.append(np.outer(da, states[t - 1]))
        dh_next = c["Wh"].T @ da
    return shares


SEQUENCE = FunctionExercise(
    "bptt_dWh", inputs=_sequence_point, section=BPTT, function=rnn_states, upstream="dhs",
    outputs=[Gradient("dWh", "Wh")],
    mistakes=[
        Mistake("next step", "dWh", lambda c: sum(_shares(c, carry=False)),
                "each step got only what the loss sends to its state, dhs[t]: the gradient "
                "that step t + 1 sends back to h_t is missing (this is truncated BPTT with a "
                "window of one step).",
                Hint("Add W_hᵀ (∇ at the next step's a) to dhs[t] before the step.", PITFALLS)),
        Mistake("overwrite", "dWh", lambda c: _shares(c)[-1],
                "dWh holds the share of the first step only: each step's share replaced the "
                "previous one (= where += belongs); W_h is used at every step, so its "
                "gradient is the sum of all the shares.",
                Hint("Accumulate dWh += ... over the steps.", UNROLLED)),
    ],
    planted=[Planted("next step", "dh = dhs[t] + dh_next", "dh = dhs[t]"),
             Planted("overwrite", "dWh += np.outer(da, states[t])",
                     "dWh = np.outer(da, states[t])")],
)


# ---------------------------------------------------------------- the LSTM cell's gates
def lstm_cell_loss(i, f, o, cand, c_prev, dh, dc):
    """A loss whose gradients with respect to the cell's outputs h and c are dh and dc."""
    c = f * c_prev + i * cand
    h = o * np.tanh(c)
    return np.sum(dh * h) + np.sum(dc * c)


def _gates_point(rng, k):
    H = 2 + k % 4
    i, f, o = sigmoid(rng.normal(size=(3, H)))
    return {"i": i, "f": f, "o": o, "cand": np.tanh(rng.normal(size=H)),
            "c_prev": rng.normal(size=H), "dh": rng.normal(size=H), "dc": rng.normal(size=H)}


def _cell(c):
    return c["f"] * c["c_prev"] + c["i"] * c["cand"]


def _whole_dc(c):
    return c["dc"] + c["dh"] * c["o"] * (1.0 - np.tanh(_cell(c)) ** 2)


GATES = FunctionExercise(
    "lstm_cell_grads", inputs=_gates_point, section=LSTM, function=lstm_cell_loss,
    outputs=[Gradient("di", "i"), Gradient("df", "f"), Gradient("dc_prev", "c_prev")],
    mistakes=[
        Mistake("h path", "di", lambda c: c["dc"] * c["cand"],
                "the cell's gradient holds only dc, what comes from the next step: c also "
                "feeds h = o tanh(c), and that path (dh o (1 - tanh² c)) must be added.",
                Hint("c fans out into h and into the next step: add both gradients first.",
                     LSTM)),
        Mistake("local factor", "di",
                lambda c: (c["dc"] + c["dh"] * c["o"]) * c["cand"],
                "the path from h to c lacks tanh's local factor: h = o tanh(c) sends "
                "dh o (1 - tanh² c) to c, not dh o.",
                Hint("Multiply by the derivative of tanh at c on the way from h to c.", LSTM)),
        Mistake("new cell", "df", lambda c: _whole_dc(c) * _cell(c),
                "df was computed with the new cell c where the previous one belongs: "
                "c = f c_prev + i c̃ sends (∇ at c) c_prev to f.",
                Hint("Each factor of a product gets the other factor: f gets c_prev.", LSTM)),
    ],
    planted=[Planted("h path", "dc = dc + dh * o * (1.0 - tanh_c ** 2)", "dc = dc"),
             Planted("local factor", "dc = dc + dh * o * (1.0 - tanh_c ** 2)", "dc = dc + dh * o"),
             Planted("new cell", "df = dc * c_prev", "df = dc * c")],
)


# ---------------------------------------------------------------- clipping by norm
def clipped_reference(g, threshold):
    return g * min(1.0, threshold / np.linalg.norm(g))


def _gradient_point(rng, k):
    g = rng.normal(size=3 + k) * (10.0 if k % 2 else 0.1)   # above the threshold, or below it
    return {"g": g, "threshold": float(rng.uniform(0.5, 2.0))}


CLIP = FunctionExercise(
    "clip_by_norm", inputs=_gradient_point, section=CLIPPING,
    outputs=[Result("clipped", clipped_reference, "g clipped by its norm")],
    mistakes=[
        Mistake("entry by entry", "clipped", lambda c: np.clip(c["g"], -c["threshold"],
                                                                c["threshold"]),
                "each entry was clipped to [-threshold, threshold]: that bounds the step but "
                "turns it; clipping by norm scales the whole vector by one factor.",
                Hint("Scale g by min(1, threshold / ‖g‖).", CLIPPING)),
        Mistake("scaled up", "clipped",
                lambda c: c["g"] * c["threshold"] / np.linalg.norm(c["g"]),
                "a gradient shorter than the threshold was stretched to it: clipping only "
                "shortens (the factor is min(1, threshold / ‖g‖)).",
                Hint("Leave g alone when its norm is below the threshold.", CLIPPING)),
    ],
    planted=[Planted("entry by entry", "g * min(1.0, threshold / norm)",
                     "np.clip(g, -threshold, threshold)"),
             Planted("scaled up", "min(1.0, threshold / norm)", "threshold / norm")],
)


# ---------------------------------------------------------------- max-pooling
def maxpool(x, dy):
    """2 x 2 max-pooling of the last two axes; ``dy`` is the upstream gradient, unused here."""
    N, C, rows, cols = x.shape
    return x.reshape(N, C, rows // 2, 2, cols // 2, 2).max(axis=(3, 5))


def _image_point(rng, k):
    N, C, rows, cols = 1 + k % 2, 1 + (k + 1) % 2, 2 * (1 + k % 3), 2 * (2 + k % 2)
    return {"x": rng.normal(size=(N, C, rows, cols)),
            "dy": rng.normal(size=(N, C, rows // 2, cols // 2))}


def _spread(c, share):
    """``share(dy)`` at every entry of its window."""
    spread = np.repeat(np.repeat(c["dy"], 2, axis=2), 2, axis=3)
    return share(spread)


POOL = FunctionExercise(
    "maxpool_grads", inputs=_image_point, section=MAXPOOL, function=maxpool, upstream="dy",
    outputs=[Gradient("dx", "x")],
    mistakes=[
        Mistake("every entry", "dx", lambda c: _spread(c, lambda s: s),
                "every entry of a window got the window's gradient, as if the layer summed "
                "its window: only the largest entry affects the output, so only it gets dy.",
                Hint("Route each window's dy to the position of its maximum.", MAXPOOL)),
        Mistake("average", "dx", lambda c: _spread(c, lambda s: s / 4),
                "every entry of a window got a quarter of its gradient: that is the backward "
                "pass of average pooling; max-pooling routes all of dy to the maximum.",
                Hint("Route each window's dy to the position of its maximum.", MAXPOOL)),
    ],
    planted=[Planted("every entry", "top * dy[:, :, :, None, :, None]",
                     "np.ones_like(top) * dy[:, :, :, None, :, None]"),
             Planted("average", "top * dy[:, :, :, None, :, None]",
                     "np.ones_like(top) * dy[:, :, :, None, :, None] / 4")],
)

CHAPTER = Chapter([STEP, SEQUENCE, GATES, CLIP, POOL])  # in the order of the chapter
check = CHAPTER.check
progress = CHAPTER.progress
