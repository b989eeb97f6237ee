"""Translators export an encoder graph and a one-step decoder graph.

As Optimum does for seq2seq models: `encoder` maps source ids to the
encoder outputs and the decoder's initial h and c; `decoder_step` maps one
target token, h, c, the encoder outputs and the source mask to log
probabilities, the new h and c and the attention weights. Greedy and beam
search run in NumPy over `decoder_step` (`zoo.decoding`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from export.convert import InputSpec
from export.families.spec import GraphSpec, InputDomain
from zoo.preprocessing.translation_text import START_ID


def graphs(model: Any, streaming: bool = False, samples: Any = None) -> list[GraphSpec]:
    """The `encoder` and `decoder_step` graphs of a fitted `Seq2SeqTranslator` (its
    `inference_networks()`; `samples`: source sentences for the real-sample feeds)."""
    if streaming:
        raise ValueError(
            f"model {model.name!r} decodes whole sentences; streaming is for forecasters"
        )
    networks = model.inference_networks()
    encoder, step = networks["encoder"], networks["decoder_step"]
    units = int(model.hparams["units"])
    source_vocab = model.preprocessor.source_tokenizer.vocab_size
    target_vocab = model.preprocessor.target_tokenizer.vocab_size
    if samples is None:
        samples = model.default_data()[1].sources[:8]
    source = model.encode_sources(list(samples or ["a"])).astype("int32")
    memory, h, c = (np.asarray(t) for t in encoder(source, training=False))
    first = np.full((len(source), 1), START_ID, "int32")
    return [
        GraphSpec(
            name="encoder",
            network=encoder,
            inputs=[InputSpec("source", (None, None), "int32")],
            outputs=["encoder_outputs", "h", "c"],
            domains={"source": InputDomain("ids", 0, source_vocab)},
            sizes={"time": 9},
            real=None if samples is False else {"source": source},
        ),
        GraphSpec(
            name="decoder_step",
            network=step,
            inputs=[
                InputSpec("token", (None, 1), "int32"),
                InputSpec("h", (None, units)),
                InputSpec("c", (None, units)),
                InputSpec("encoder_outputs", (None, None, 2 * units)),
                InputSpec("source_mask", (None, None), "bool"),
            ],
            outputs=["log_probs", "h_out", "c_out", "attention_weights"],
            domains={
                "token": InputDomain("ids", 1, target_vocab),
                "source_mask": InputDomain("mask"),
            },
            sizes={"time": 9},
            real=None
            if samples is False
            else {
                "token": first,
                "h": h,
                "c": c,
                "encoder_outputs": memory,
                "source_mask": source != 0,
            },
        ),
    ]
