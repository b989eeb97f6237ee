"""lstm-zoo: LSTM layers from the gate equations, and a zoo of models built on them.

    import zoo
    zoo.list_models()                      # registered names
    zoo.model_card("forecast-lstm")        # task, inputs, outputs, defaults, reference
    model = zoo.create_model("sentiment-bilstm", units=64)

Importing `zoo` does not import TensorFlow; the layers (`zoo.layers`) and the
models do when they are used.
"""

from zoo.family import Family, family_for, list_families, register_family
from zoo.models.base import ZooModel, load_model
from zoo.registry import (
    UnknownModelError,
    create_model,
    list_models,
    model_card,
    register_model,
)

__version__ = "0.1.0"

__all__ = [
    "Family",
    "UnknownModelError",
    "ZooModel",
    "create_model",
    "family_for",
    "list_families",
    "list_models",
    "load_model",
    "model_card",
    "register_family",
    "register_model",
]
