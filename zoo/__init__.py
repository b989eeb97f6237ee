"""lstm-zoo: LSTM layers from the gate equations, and a zoo of models built on them."""

__version__ = "0.1.0"
