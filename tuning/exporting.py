"""`--export`: the best model of a search to ONNX, verified against Keras."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The bundle directory, inside the project.
BUNDLE = "bundle"


def export_best(result: Any, opset: int | None = None) -> Any:
    """Exports `result.best_model_dir` with `export.to_onnx` into `PROJECT/bundle`, runs
    `export.verify` on it and returns the verification report (`.ok`, `.table()`).

    Raises:
        ValueError: the search has no best model yet, or the export package does not
            provide `to_onnx` and `verify`.
    """
    if result.best_model_dir is None:
        raise ValueError(f"{result.project_dir}: no best model to export yet.")
    try:
        import export
    except ImportError as error:
        raise ValueError(f"ONNX export is not available: {error}.") from None
    missing = [name for name in ("to_onnx", "verify") if not hasattr(export, name)]
    if missing:
        raise ValueError(
            f"ONNX export is not available: the export package has no {missing[0]}() yet."
        )
    bundle = export.to_onnx(result.best_model_dir, Path(result.project_dir) / BUNDLE, opset=opset)
    report = export.verify(bundle, model=result.best_model_dir)
    result.export_report = report
    return report
