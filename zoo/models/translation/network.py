"""The translation model's Keras graphs: the training network, and the encoder
and one-step decoder that share its layers (the graphs ONNX export will use),
their compiled calls, and the training dataset.

Functions of the hyperparameters and vocabulary sizes, so that
`Seq2SeqTranslator` keeps to preprocessing, training and decoding.
"""

from __future__ import annotations

from typing import Any

EMBEDDING_INIT = ("RandomNormal", {"stddev": 1.0})
OUTPUT_INIT = ("VarianceScaling", {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"})


def _initializer(spec):
    import keras

    name, config = spec
    return getattr(keras.initializers, name)(**config)


def build_training_network(hp: dict[str, Any], source_vocab: int, target_vocab: int, name: str):
    """The training model: ``{"source", "target_in"}`` ids → next-token logits."""
    import keras

    import zoo.layers as zl
    from zoo.models.translation.attention import PaddingMask

    keras.utils.set_random_seed(hp["seed"])
    units = hp["units"]
    source = keras.Input((None,), dtype="int32", name="source")
    target_in = keras.Input((None,), dtype="int32", name="target_in")

    source_mask = PaddingMask(name="source_mask")(source)
    x = keras.layers.Embedding(
        source_vocab,
        hp["embedding_dim"],
        mask_zero=True,
        embeddings_initializer=_initializer(EMBEDDING_INIT),
        name="source_embedding",
    )(source)
    x = keras.layers.Dropout(hp["dropout"], name="source_dropout")(x)
    encoder = keras.layers.Bidirectional(
        zl.LSTM(units, return_sequences=True, return_state=True, name="encoder_lstm"),
        name="encoder",
    )
    encoded, fh, fc, bh, bc = encoder(x)
    h0 = keras.layers.Dense(units, activation="tanh", name="bridge_h")(
        keras.layers.Concatenate(name="final_h")([fh, bh])
    )
    c0 = keras.layers.Dense(units, name="bridge_c")(
        keras.layers.Concatenate(name="final_c")([fc, bc])
    )

    y = keras.layers.Embedding(
        target_vocab,
        hp["embedding_dim"],
        embeddings_initializer=_initializer(EMBEDDING_INIT),
        name="target_embedding",
    )(target_in)
    y = keras.layers.Dropout(hp["dropout"], name="target_dropout")(y)
    decoded = zl.LSTM(units, return_sequences=True, return_state=True, name="decoder_lstm")(
        y, initial_state=[h0, c0]
    )[0]
    logits = attention_head(hp, target_vocab, decoded, encoded, source_mask, training_graph=True)
    network = keras.Model({"source": source, "target_in": target_in}, logits, name=name)
    network.compile(
        optimizer=keras.optimizers.Adam(hp["learning_rate"], clipnorm=5.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        weighted_metrics=["sparse_categorical_accuracy"],
    )
    return network


def attention_head(
    hp, target_vocab, decoded, encoded, source_mask, training_graph=False, layers=None
):
    """Attention → attentional hidden → logits; new layers, or `layers` reused."""
    import keras

    from zoo.models.translation.attention import SequenceAttention

    if layers is None:
        layers = {
            "attention": SequenceAttention(hp["attention"], name="attention"),
            "attention_concat": keras.layers.Concatenate(name="attention_concat"),
            "attentional": keras.layers.Dense(
                hp["units"], activation="tanh", name="attentional_hidden"
            ),
            "output_dropout": keras.layers.Dropout(hp["dropout"], name="output_dropout"),
            "logits": keras.layers.Dense(
                target_vocab, kernel_initializer=_initializer(OUTPUT_INIT), name="logits"
            ),
        }
    context, weights = layers["attention"](decoded, encoded, source_mask)
    hidden = layers["attentional"](layers["attention_concat"]([context, decoded]))
    if training_graph:
        hidden = layers["output_dropout"](hidden)
    logits = layers["logits"](hidden)
    return logits if training_graph else (logits, weights)


def build_inference_models(network, hp: dict[str, Any], target_vocab: int):
    """`(encoder_model, step_model)` sharing the trained network's layers."""
    import keras

    units = hp["units"]
    layer = network.get_layer

    source = keras.Input((None,), dtype="int32", name="source")
    x = layer("source_embedding")(source)
    encoded, fh, fc, bh, bc = layer("encoder")(x)
    h0 = layer("bridge_h")(layer("final_h")([fh, bh]))
    c0 = layer("bridge_c")(layer("final_c")([fc, bc]))
    encoder_model = keras.Model(source, [encoded, h0, c0], name="translation_encoder")

    token = keras.Input((1,), dtype="int32", name="token")
    h = keras.Input((units,), name="h")
    c = keras.Input((units,), name="c")
    memory = keras.Input((None, 2 * units), name="encoder_outputs")
    mask = keras.Input((None,), dtype="bool", name="source_mask")
    y = layer("target_embedding")(token)
    decoded, h1, c1 = layer("decoder_lstm")(y, initial_state=[h, c])
    layers = {
        name: layer(key)
        for name, key in (
            ("attention", "attention"),
            ("attention_concat", "attention_concat"),
            ("attentional", "attentional_hidden"),
            ("logits", "logits"),
        )
    }
    logits, weights = attention_head(hp, target_vocab, decoded, memory, mask, layers=layers)
    log_probs = keras.layers.Activation("log_softmax", name="log_probs")(
        keras.layers.Flatten(name="last_step")(logits)
    )
    weights = keras.layers.Flatten(name="attention_weights")(weights)
    step_model = keras.Model(
        [token, h, c, memory, mask], [log_probs, h1, c1, weights], name="translation_step"
    )
    return encoder_model, step_model


def compiled_calls(encoder_model, step_model):
    """`(encode, step)`: the two inference models as `tf.function`s, traced once per
    shape family (decoding calls the step once per output token)."""
    import tensorflow as tf

    @tf.function(reduce_retracing=True, autograph=False)
    def encode(source):
        return encoder_model(source, training=False)

    @tf.function(reduce_retracing=True, autograph=False)
    def step(token, h, c, memory, mask):
        return step_model([token, h, c, memory, mask], training=False)

    return encode, step


def training_dataset(batches, count: int):
    """A `tf.data.Dataset` over `batches()` (a generator function of
    `({"source", "target_in"}, labels, weights)` batches), `count` batches long."""
    import tensorflow as tf

    ids = tf.TensorSpec((None, None), tf.int32)
    signature = ({"source": ids, "target_in": ids}, ids, tf.TensorSpec((None, None), tf.float32))
    dataset = tf.data.Dataset.from_generator(batches, output_signature=signature)
    return dataset.apply(tf.data.experimental.assert_cardinality(count)).prefetch(2)
