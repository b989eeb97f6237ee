"""`lstm-zoo export`: a saved zoo model to an ONNX bundle, verified."""

from __future__ import annotations

from pathlib import Path

import typer

from zoo.cli.errors import one_line_errors


@one_line_errors
def export(
    model_dir: Path = typer.Argument(..., help="A saved model directory (from train or tune)."),
    out: Path = typer.Option(..., "--out", help="The bundle directory to write."),
    opset: int = typer.Option(None, "--opset", min=13, help="ONNX opset (default 17)."),
    streaming: bool = typer.Option(
        False,
        "--streaming",
        help="Also export the model's stream graph (explicit h/c states), for a family that has one.",
    ),
    check: bool = typer.Option(
        True, "--verify/--no-verify", help="Verify the bundle against Keras after writing it."
    ),
    atol: float = typer.Option(1e-5, "--atol", help="Absolute tolerance of the verification."),
    rtol: float = typer.Option(1e-5, "--rtol", help="Relative tolerance of the verification."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace a bundle lstm-zoo wrote earlier at --out."
    ),
    quantize: str = typer.Option(
        None,
        "--quantize",
        help="int8: serve onnxruntime's dynamic int8 quantization of the graphs (the float "
        "graphs are kept for verify, which holds the int8 ones to the task metric).",
    ),
) -> None:
    """Export MODEL_DIR to an ONNX bundle (graphs, preprocessing, reference data)
    and verify it; exits 1 if the bundle does not match Keras within --atol.

    --out must not be the working directory, its parents, home, a file or a non-empty
    folder lstm-zoo did not write; an earlier bundle there is replaced only with
    --overwrite. With --quantize int8, verify also fails when the task metric of the
    int8 graphs is worse than the float graphs' by more than its tolerance."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    from export import to_onnx, verify
    from export.bundle import read_manifest
    from export.quantize import QUANTIZATIONS
    from zoo import outputs

    if quantize is not None and quantize not in QUANTIZATIONS:
        raise typer.BadParameter(
            f"{quantize!r} is not one of {', '.join(QUANTIZATIONS)}", param_hint="--quantize"
        )
    if not model_dir.is_dir():
        raise FileNotFoundError(f"{model_dir}: no such model directory.")
    outputs.check_destination(out, outputs.BUNDLE, overwrite=overwrite, option="--out")
    bundle = to_onnx(
        model_dir, out, opset=opset, streaming=streaming, overwrite=overwrite, quantize=quantize
    )
    manifest = read_manifest(bundle)
    for name, graph in manifest["graphs"].items():
        typer.echo(
            f"{name}: {graph['file']}, {graph['lstm_nodes']} LSTM node(s), "
            f"{graph['loop_nodes']} Loop node(s)"
            + (f"; not fused: {graph['unfused_layers']}" if graph["unfused_layers"] else "")
        )
    typer.echo(f"wrote {bundle}")
    if check:
        report = verify(bundle, model=model_dir, atol=atol, rtol=rtol)
        typer.echo(report.table())
        if not report.ok:
            raise typer.Exit(1)
