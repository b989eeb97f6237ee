"""Keras 3 LSTM layers written from the gate equations, and gate tracing.

Layers: `LSTM`, `PeepholeLSTM`, `CIFGLSTM`, `LayerNormLSTM`, `ProjectionLSTM`,
each with its cell for use inside `keras.layers.RNN`. All are registered for
Keras serialization under the package "zoo", so `.keras` files that use them
reload with plain `keras.models.load_model`. `describe_backend()` tells which
time loop the layers run here and why (`zoo.layers.backends`).
"""

from zoo.layers.backends import describe_backend, set_xla_cells, xla_cells_enabled
from zoo.layers.base import BaseLSTM, BaseLSTMCell
from zoo.layers.cifg_lstm import CIFGLSTM, CIFGLSTMCell
from zoo.layers.facts import OnnxLSTMFacts
from zoo.layers.layer_norm_lstm import LayerNormLSTM, LayerNormLSTMCell
from zoo.layers.lstm import LSTM, LSTMCell
from zoo.layers.peephole_lstm import PeepholeLSTM, PeepholeLSTMCell
from zoo.layers.projection_lstm import ProjectionLSTM, ProjectionLSTMCell
from zoo.layers.tracing import GateTrace, plot_gates, trace_gates

__all__ = [
    "BaseLSTM",
    "BaseLSTMCell",
    "CIFGLSTM",
    "CIFGLSTMCell",
    "GateTrace",
    "LSTM",
    "LSTMCell",
    "LayerNormLSTM",
    "LayerNormLSTMCell",
    "OnnxLSTMFacts",
    "PeepholeLSTM",
    "PeepholeLSTMCell",
    "ProjectionLSTM",
    "ProjectionLSTMCell",
    "describe_backend",
    "plot_gates",
    "set_xla_cells",
    "trace_gates",
    "xla_cells_enabled",
]
