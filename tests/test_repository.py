"""The repository keeps its promises: lint, the README's two commands, CI."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_two_commands():
    commands = setup_commands()
    assert len(commands) == 2, commands
    main_job, tests = commands
    assert "lstm-zoo" in main_job
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert setup_commands()[1] in ci.splitlines()


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run(
        [ruff, "check", "zoo", "tuning", "export", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_help_is_instant_and_lists_commands():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from zoo.cli.app import app; app(['--help'])"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "quickstart" in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import zoo.cli.app, sys; print('tensorflow' in sys.modules)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == "False", "importing the CLI must not import TensorFlow"
