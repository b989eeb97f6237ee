"""The README's examples work as written.

* every ```python block runs, on its own, in a fresh interpreter and an empty working
  directory, within a time limit;
* every `lstm-zoo` command it shows (in ```bash blocks after the two opening commands, which
  `test_repository.py` covers, and in inline code) names a real subcommand and real options;
  every `python benchmarks/...` command names an existing script and options it defines;
* every picture it shows exists, and every notebook it links to.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
#: Seconds one python block may take (the slowest trains a small model for about 20 s).
BLOCK_TIMEOUT = 300


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.S | re.M)


PYTHON_BLOCKS = fenced_blocks("python")


def block_id(index: int) -> str:
    first = next(
        (line for line in PYTHON_BLOCKS[index].splitlines() if line and "import" not in line),
        "",
    )
    return f"block{index + 1}-{re.sub(r'[^A-Za-z0-9]+', '_', first)[:40].strip('_')}"


def test_readme_has_python_blocks():
    assert PYTHON_BLOCKS


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)), ids=block_id)
def test_python_block_runs(index, tmp_path):
    block = PYTHON_BLOCKS[index]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}
    env.pop("LSTM_ZOO_DATA_DIR", None)
    try:
        result = subprocess.run(
            [sys.executable, "-c", block],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=BLOCK_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"README python block {index + 1} ran past {BLOCK_TIMEOUT} s:\n{block}")
    assert result.returncode == 0, (
        f"README python block {index + 1} failed:\n{block}\n--- stderr (end) ---\n"
        f"{result.stderr[-4000:]}"
    )


def shell_commands() -> list[str]:
    """Commands from the bash blocks after the first (the two opening commands), and from
    inline code spans that start with `lstm-zoo ` or `python benchmarks/`."""
    commands = []
    for block in fenced_blocks("bash")[1:]:
        for line in block.splitlines():
            commands += [c.strip() for c in line.split("&&") if c.strip()]
    commands += re.findall(r"`((?:lstm-zoo|python benchmarks/)[^`]*)`", README)
    return [c for c in commands if not c.startswith("#")]


def options_of(tokens: list[str]) -> list[str]:
    return [t.split("=", 1)[0] for t in tokens if t.startswith("--")]


def cli_commands() -> dict[str, set[str]]:
    """Subcommand -> its option names, from the `lstm-zoo` Typer app (no TensorFlow)."""
    import typer

    from zoo.cli.app import app

    group = typer.main.get_command(app)
    return {
        name: {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for name, command in group.commands.items()
    }


def test_shell_commands_name_real_commands_and_options():
    commands = shell_commands()
    assert any(c.startswith("lstm-zoo") for c in commands)
    cli = cli_commands()
    problems = []
    for command in commands:
        tokens = shlex.split(command, comments=True)
        if not tokens:
            continue
        if tokens[0] == "lstm-zoo":
            if len(tokens) == 1 or tokens[1] == "--help":
                continue
            sub = tokens[1]
            if sub not in cli:
                problems.append(f"{command!r}: no subcommand {sub!r} (there are {sorted(cli)})")
                continue
            for option in options_of(tokens[2:]):
                if option not in cli[sub] | {"--help"}:
                    problems.append(f"{command!r}: `lstm-zoo {sub}` has no option {option}")
        elif tokens[0] == "python" and len(tokens) > 1 and tokens[1].startswith("benchmarks/"):
            script = ROOT / tokens[1]
            if not script.is_file():
                problems.append(f"{command!r}: {tokens[1]} does not exist")
                continue
            source = script.read_text()
            for option in options_of(tokens[2:]):
                if f'"{option}"' not in source and f"'{option}'" not in source:
                    problems.append(f"{command!r}: {tokens[1]} defines no option {option}")
    assert not problems, "\n".join(problems)


def test_pictures_and_notebooks_exist():
    links = re.findall(r"\]\(((?:docs|notebooks)/[^)#\s]+)\)", README)
    assert links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, f"the README links to missing files: {missing}"
