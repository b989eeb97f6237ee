"""Bad arguments and inputs raise errors naming the argument and the value."""

import numpy as np
import pytest

import zoo.layers as zl


@pytest.mark.parametrize("units", [0, -3, 2.5, None])
def test_units_must_be_positive(units):
    with pytest.raises(ValueError, match=rf"`units`.*units={units!r}"):
        zl.LSTM(units)


@pytest.mark.parametrize("arg", ["dropout", "recurrent_dropout"])
def test_dropout_range(arg):
    with pytest.raises(ValueError, match=rf"`{arg}`.*{arg}=1.5"):
        zl.LSTM(4, **{arg: 1.5})


def test_input_rank():
    with pytest.raises(ValueError, match=r"rank 3.*shape \(4, 10\)"):
        zl.LSTM(4)(np.zeros((4, 10), "float32"))


def test_initial_state_shape():
    layer = zl.LSTM(4)
    x = np.zeros((2, 3, 5), "float32")
    with pytest.raises(ValueError, match=r"initial_state\[1\].*\(batch, 4\).*\(2, 7\)"):
        layer(x, initial_state=[np.zeros((2, 4), "float32"), np.zeros((2, 7), "float32")])
    with pytest.raises(ValueError, match=r"list of 2 tensors.*received 1"):
        layer(x, initial_state=[np.zeros((2, 4), "float32")])


@pytest.mark.parametrize("projection_units", [8, 12])
def test_projection_must_be_smaller_than_units(projection_units):
    with pytest.raises(ValueError, match=rf"projection_units={projection_units}.*units=8"):
        zl.ProjectionLSTM(8, projection_units=projection_units)


def test_projection_units_required_and_positive():
    with pytest.raises(ValueError, match="projection_units"):
        zl.ProjectionLSTM(8)
    with pytest.raises(ValueError, match=r"projection_units=0"):
        zl.ProjectionLSTM(8, projection_units=0)


def test_mask_shape_mismatch():
    x = np.zeros((2, 5, 3), "float32")
    with pytest.raises(ValueError, match=r"mask.*\(2, 5\).*\(2, 4\)"):
        zl.LSTM(4)(x, mask=np.ones((2, 4), bool))


def test_layer_norm_epsilon():
    with pytest.raises(ValueError, match=r"epsilon=0"):
        zl.LayerNormLSTM(4, epsilon=0)


def test_trace_rejects_non_layers():
    with pytest.raises(TypeError, match="zoo recurrent layer or a keras.Model"):
        zl.trace_gates(object(), np.zeros((1, 2, 3)))
