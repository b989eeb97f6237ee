"""`lstm-zoo verify`: a bundle against onnx.checker, its reference data and Keras."""

from __future__ import annotations

from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors


@one_line_errors
def verify(
    bundle: Path = typer.Argument(..., help="A bundle directory (from `lstm-zoo export`)."),
    model: Path = typer.Option(
        None,
        "--model",
        help="The Keras model directory (default: the one it was exported from, if it lies "
        "beside the bundle with its model.keras unchanged).",
    ),
    atol: float = typer.Option(1e-5, "--atol", min=0.0, help="Absolute tolerance."),
    rtol: float = typer.Option(
        1e-5, "--rtol", min=0.0, help="Relative tolerance: |onnx - keras| <= atol + rtol * |keras|."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    latency: bool = typer.Option(True, "--latency/--no-latency", help="Time both sides."),
    data: Path = typer.Option(
        None,
        "--data",
        help="int8 bundles: labelled data for the task metric (a file or folder as `train` "
        "reads it; its held-out split is scored; default: the family's embedded test split).",
    ),
) -> None:
    """Check BUNDLE: the full ONNX checker, onnxruntime against the stored
    reference outputs and against Keras on fresh random and real inputs, and
    latencies at batch 1 and 32. Exits 1 when an error exceeds atol + rtol * |keras|,
    or when the bundle is tampered with: a file (the manifest included) that differs
    from its digest, a path outside the bundle, a graph that is not the manifest's, an
    unregistered model. Exits 2 when BUNDLE is not a bundle at all.

    An int8 bundle is checked that way through its float graphs, and its int8 graphs
    are reported against them (size, latency, the task metric); it fails when the
    metric worsens by more than its tolerance (1 point of accuracy or F1, 1 BLEU point,
    2% relative MAE or CER)."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    from export import verify as run_verify
    from export.bundle import BundleIntegrityError

    try:
        labelled = None
        if data is not None:
            from export.bundle import MANIFEST, read_manifest
            from zoo.models.loading import model_from_state

            manifest = read_manifest(bundle)
            owner = model_from_state(manifest, bundle / MANIFEST, BundleIntegrityError)
            labelled = type(owner).load_data(data)[1]  # the held-out split
        report = run_verify(
            bundle, model=model, atol=atol, rtol=rtol, latency=latency, data=labelled
        )
    except BundleIntegrityError as error:
        typer.echo(f"error: {' '.join(str(error).split())}", err=True)
        raise typer.Exit(1) from None
    typer.echo(report.to_json() if as_json else report.table())
    if not report.ok:
        raise typer.Exit(1)
