"""Every notebook runs top to bottom, in its quick mode, without a cell error."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_ZOO_QUICK", "1")
    monkeypatch.setenv("LSTM_ZOO_FIGURES", str(tmp_path))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    figures = list(tmp_path.glob("*.png"))
    assert figures, "each notebook saves at least one figure"
    images = [
        o
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert images, "each notebook shows at least one figure"


def test_there_are_notebooks():
    assert NOTEBOOKS
