"""Training under a Keras mixed-precision policy, for one block of code.

    with precision("mixed_bfloat16"):
        model.fit(train)          # the network is built under the policy

Under `mixed_float16` or `mixed_bfloat16` the weights stay float32 and the
layers compute in the low-precision type; the zoo LSTM layers carry their
cell state in float32 (`zoo.layers.paths`), Keras' losses cast their inputs
to float32, and under `mixed_float16` Keras wraps the optimizer in a
`LossScaleOptimizer`. Importing this module does not import TensorFlow.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def check_policy(name: str | None) -> str | None:
    """`name` if it is one of `POLICIES` (or None), else ValueError naming it."""
    if name is None or name in POLICIES:
        return name
    raise ValueError(f"--precision must be one of {', '.join(POLICIES)}; received {name!r}.")


@contextlib.contextmanager
def precision(name: str | None) -> Iterator[None]:
    """Within the block, Keras' global dtype policy is `name` (None or
    "float32": unchanged); the previous policy comes back on exit."""
    if check_policy(name) in (None, "float32"):
        yield
        return
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
