"""keras-tuner's internals are used in `tuning/compat.py` only, and all of them are there."""

from __future__ import annotations

import ast
from pathlib import Path

from tuning import compat

ROOT = Path(__file__).resolve().parents[2]


def test_every_internal_compat_needs_is_in_this_keras_tuner():
    """Fails loudly, naming the member, when a keras-tuner release moves one."""
    assert compat.check() == []


def test_no_other_module_imports_keras_tuner_internals():
    offenders = []
    for path in sorted((ROOT / "tuning").rglob("*.py")):
        if path.name == "compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("keras_tuner.src")]
    assert offenders == []


def test_no_other_module_touches_keras_tuners_private_members():
    private = {m.lstrip("_") for m in compat._ORACLE_MEMBERS + compat._TUNER_MEMBERS}
    private |= {"retry_queue", "ordered_ids", "populate_next", "compare"}
    offenders = []
    for path in sorted((ROOT / "tuning").rglob("*.py")):
        if path.name == "compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            attr = getattr(node, "attr", "") if isinstance(node, ast.Attribute) else ""
            if attr.startswith("_") and attr.lstrip("_") in private:
                offenders.append(f"{path.name}:{node.lineno} {attr}")
    assert offenders == []


def test_check_reports_a_missing_member(monkeypatch):
    import keras_tuner

    monkeypatch.delattr(keras_tuner.Tuner, "_deepcopy_callbacks")
    assert "Tuner._deepcopy_callbacks" in compat.check()
