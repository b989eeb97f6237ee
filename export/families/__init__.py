"""What each model family exports: its graphs, their inputs and sample data.

`graphs_for(model, streaming=False)` returns the `GraphSpec`s of a fitted zoo
model: one `network` graph for sentiment and forecasting (plus `stream`, with
explicit h and c states, for a streaming forecaster), `encoder` and
`decoder_step` for translation (as Optimum exports seq2seq models).
"""

from __future__ import annotations

from export.families.spec import GraphSpec, InputDomain


def graphs_for(model, streaming: bool = False, samples=None) -> list[GraphSpec]:
    """The graphs to export for `model`, by its task. `samples`: raw inputs
    for the real-sample feeds (None: the family's embedded test split; False:
    none)."""
    from export.families import forecasting, sentiment, translation

    builders = {
        "sentiment": sentiment.graphs,
        "forecasting": forecasting.graphs,
        "translation": translation.graphs,
    }
    if model.task not in builders:
        raise ValueError(f"no exporter for task {model.task!r} (model {model.name!r})")
    return builders[model.task](model, streaming=streaming, samples=samples)


__all__ = ["GraphSpec", "InputDomain", "graphs_for"]
