"""get_config/from_config and .keras round trips for every zoo layer."""

import keras
import numpy as np

import zoo.layers as zl

X = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")


def test_config_round_trip(layer_factory):
    layer = layer_factory(return_sequences=True, dropout=0.1, recurrent_dropout=0.2)
    out = np.asarray(layer(X))
    clone = type(layer).from_config(layer.get_config())
    clone(X)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(np.asarray(clone(X)), out)
    assert clone.get_config() == layer.get_config()
    assert clone.units == layer.units and clone.recurrent_dropout == 0.2


def test_keras_file_round_trip(layer_factory, tmp_path):
    inp = keras.Input((5, 3))
    seq = keras.layers.Bidirectional(layer_factory(return_sequences=True))(inp)
    out = keras.layers.Dense(2)(layer_factory()(seq))
    model = keras.Model(inp, out)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)  # no custom_objects
    np.testing.assert_array_equal(np.asarray(loaded(X)), np.asarray(model(X)))


def test_cell_inside_keras_rnn_round_trip(tmp_path):
    model = keras.Sequential(
        [keras.Input((5, 3)), keras.layers.RNN(zl.PeepholeLSTMCell(4)), keras.layers.Dense(1)]
    )
    path = tmp_path / "cell.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(np.asarray(loaded(X)), np.asarray(model(X)))


def test_cell_in_keras_rnn_matches_layer():
    layer = zl.LSTM(4, return_sequences=True)
    out = np.asarray(layer(X))
    rnn = keras.layers.RNN(zl.LSTMCell(4), return_sequences=True)
    rnn(X)
    rnn.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(rnn(X)), out, atol=1e-6)
