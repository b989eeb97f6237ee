"""Shared helpers of `tests/security/` and `tests/reliability/`: run the command line the
way a user does, check for a one-line error, and check that nothing was lost or left behind.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

#: Runs the `lstm-zoo` command line in a fresh Python process (crashes show as signals).
CLI = [sys.executable, "-c", "import sys; from zoo.cli.app import app; app(sys.argv[1:])"]


def run_cli(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """`lstm-zoo ARGS` in a subprocess; stdout and stderr merged into `.stdout`."""
    root = Path(__file__).resolve().parents[1]
    environment = {**os.environ, "PYTHONPATH": str(root), "TF_CPP_MIN_LOG_LEVEL": "3"}
    environment.update(env or {})
    return subprocess.run(
        CLI + [str(a) for a in args],
        cwd=cwd,
        env=environment,
        timeout=timeout,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def invoke(*args: str):
    """`lstm-zoo ARGS` in this process (typer's CliRunner); faster than `run_cli`."""
    from typer.testing import CliRunner

    from zoo.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def _output(result) -> tuple[int, str]:
    if isinstance(result, subprocess.CompletedProcess):
        return result.returncode, result.stdout
    return result.exit_code, result.output


def one_line_error(result, *fragments: str) -> str:
    """`result` failed with exit 2, its last line is the only `error: ...` line, it holds
    every fragment, and no traceback was printed. Returns the error line."""
    code, output = _output(result)
    assert code == 2, (code, output)
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], output
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]


def snapshot(directory: str | os.PathLike[str]) -> dict[str, str]:
    """Relative path -> sha256 of every file below `directory` (links not followed; a file
    over 64 MiB, such as a sparse test file, by its size and modification time)."""
    directory = Path(directory)
    out = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            if info.st_size > 64 * 2**20:  # a huge (sparse) test file: its size and mtime
                out[str(path.relative_to(directory))] = f"{info.st_size}@{info.st_mtime_ns}"
                continue
            out[str(path.relative_to(directory))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def assert_untouched(directory: str | os.PathLike[str], before: dict[str, str]) -> None:
    """Every file of `before` is still in `directory` with the same content."""
    after = snapshot(directory)
    lost = sorted(set(before) - set(after))
    changed = sorted(k for k in before if k in after and after[k] != before[k])
    assert not lost and not changed, {"lost": lost, "changed": changed}


def leftovers(directory: str | os.PathLike[str]) -> list[str]:
    """Hidden staging folders of ours (`.NAME.staging.*`, `.NAME.*` from saves) left behind."""
    return sorted(p.name for p in Path(directory).iterdir() if p.name.startswith("."))


# -- tiny model and bundle, and manifest edits (tests of loading and bundles) --------------
_TINY_SENTIMENT: dict[str, dict[str, Path]] = {}


def tiny_sentiment(tmp_path_factory) -> dict[str, Path]:
    """A tiny trained sentiment model directory and its bundle, side by side
    (`{"root", "model", "bundle"}`), built once per test session and shared by
    every module that asks: copy them before changing anything."""
    key = str(tmp_path_factory.getbasetemp())
    if key not in _TINY_SENTIMENT:
        import numpy as np

        import export
        import zoo

        root = tmp_path_factory.mktemp("tiny-sentiment")
        model = zoo.create_model(
            "sentiment-lstm", units=8, embedding_dim=8, max_length=16, epochs=1
        )
        train, _ = model.default_data()
        model.fit(train.subset(np.arange(64)), verbose=0)
        model.save(root / "model")
        export.to_onnx(root / "model", root / "bundle")
        _TINY_SENTIMENT[key] = {"root": root, "model": root / "model", "bundle": root / "bundle"}
    return _TINY_SENTIMENT[key]


def edit_manifest(bundle: str | os.PathLike[str], edit, seal: bool = True) -> dict:
    """Applies `edit(manifest)` to `bundle`'s zoo_bundle.json and writes it back, sealed
    again as the exporter does (`seal=False`: plain JSON, the seal left stale): what a
    careful attacker who recomputes the digests would do. Returns the manifest."""
    import json

    from export.bundle import MANIFEST, sealed_text

    path = Path(bundle) / MANIFEST
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(sealed_text(manifest) if seal else json.dumps(manifest, indent=2) + "\n")
    return manifest


def record_file(manifest: dict, bundle: str | os.PathLike[str], relative: str) -> None:
    """Updates `manifest["files"][relative]` (and a graph's `sha256`) to the file's
    current digest and size, as an attacker who swaps a file would."""
    path = Path(bundle) / relative
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest["files"][relative] = {"sha256": digest, "size": path.stat().st_size}
    for graph in manifest["graphs"].values():
        if graph["file"] == relative:
            graph["sha256"] = digest
