"""What each model family exports: its graphs, their inputs and sample data.

`graphs_for(model, streaming=False)` returns the `GraphSpec`s of a fitted zoo model,
one per entry of its `inference_networks()` (plus, for a streaming forecaster, `stream`
with explicit h and c states). Each family registers its own builder as the
`export_graphs` part of its `zoo.family.Family`; this module only asks for it.
"""

from __future__ import annotations

from typing import Any

from export.families.spec import GraphSpec, InputDomain


def graphs_for(model: Any, streaming: bool = False, samples: Any = None) -> list[GraphSpec]:
    """The graphs to export for `model`, from its family's `export_graphs` part.

    Args:
        model: a fitted zoo model.
        streaming: also the family's streaming graph (the families that have one).
        samples: raw inputs for the real-sample feeds (None: the family's embedded test
            split; False: none).

    Raises:
        zoo.family.FamilyError: the model's family registers no export.
    """
    from zoo.family import family_for

    return family_for(model).resolve("export_graphs")(model, streaming=streaming, samples=samples)


__all__ = ["GraphSpec", "InputDomain", "graphs_for"]
