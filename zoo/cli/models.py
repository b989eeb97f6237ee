"""`lstm-zoo models`: the registered models as a table."""

from __future__ import annotations

import typer


def models(
    pattern: str = typer.Argument(None, help="Shell-style filter, e.g. 'sentiment-*'."),
    card: bool = typer.Option(False, "--card", help="Print each model's full card as JSON."),
) -> None:
    """List the registered zoo models (name, task, summary, reference)."""
    import json

    from rich.console import Console
    from rich.table import Table

    import zoo

    names = zoo.list_models(pattern)
    if card:
        typer.echo(json.dumps([zoo.model_card(n) for n in names], indent=2))
        return
    table = Table(title="lstm-zoo models")
    for column in ("name", "task", "summary", "reference"):
        table.add_column(column, overflow="fold")
    for name in names:
        info = zoo.model_card(name)
        table.add_row(name, info["task"], info["summary"], info["reference"])
    Console(width=max(120, Console().width)).print(table)
