"""`lstm-zoo datasets`: the real series shipped inside installed packages."""

from __future__ import annotations

import typer


def datasets() -> None:
    """List the embedded datasets (no download): name, source package, licence,
    frequency, span, columns and the default target. Pass a name to `--data`."""
    from zoo.data.datasets import DATASETS

    for entry in DATASETS.values():
        typer.echo(f"{entry.name}  [{entry.kind}] {entry.description}")
        typer.echo(f"    source:    {entry.package} (installed with lstm-zoo)")
        typer.echo(f"    licence:   {entry.licence}")
        typer.echo(f"    frequency: {entry.freq}; span {entry.span}")
        typer.echo(f"    columns:   {', '.join(entry.columns)} (target {entry.target})")
