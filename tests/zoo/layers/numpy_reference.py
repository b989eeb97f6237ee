"""NumPy references of the zoo cells' equations, written independently of zoo."""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def run(step, x, states, mask=None, go_backwards=False):
    """Drives `step(x_t, states) -> (out, states)` with Keras mask semantics."""
    x = np.asarray(x, np.float64)
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs = []
    prev = None
    for t in steps:
        out, new = step(x[:, t], states)
        if prev is None:
            prev = np.zeros_like(out)
        if mask is not None:
            keep = mask[:, t, None]
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
            out = np.where(keep, out, prev)
        states, prev = new, out
        outputs.append(out)
    return np.stack(outputs, 1), states


def lstm_step(w, peephole=None, layer_norm=None, projection=None, cifg=False):
    k, r = w["kernel"], w["recurrent_kernel"]
    b = w.get("bias", 0.0)

    def ln(v, gamma, beta, eps=1e-5):
        mu = v.mean(-1, keepdims=True)
        var = ((v - mu) ** 2).mean(-1, keepdims=True)
        return (v - mu) / np.sqrt(var + eps) * gamma + beta

    def step(x, states):
        h, c = states
        if layer_norm:
            z = ln(x @ k, w["kernel_gamma"], 0) + ln(h @ r, w["recurrent_gamma"], 0) + b
        else:
            z = x @ k + h @ r + b
        if cifg:
            zi, zc, zo = np.split(z, 3, -1)
            i = sigmoid(zi)
            f = 1 - i
        else:
            zi, zf, zc, zo = np.split(z, 4, -1)
            pi = peephole["input"] * c if peephole else 0
            pf = peephole["forget"] * c if peephole else 0
            i, f = sigmoid(zi + pi), sigmoid(zf + pf)
        g = np.tanh(zc)
        c_new = f * c + i * g
        po = peephole["output"] * c_new if peephole else 0
        o = sigmoid(zo + po)
        cc = ln(c_new, w["cell_gamma"], w["cell_beta"]) if layer_norm else c_new
        h_new = o * np.tanh(cc)
        if projection is not None:
            h_new = h_new @ projection
        return h_new, [h_new, c_new]

    return step
