"""Locating data files: an explicit path, else the ``LSTM_ZOO_DATA_DIR`` directory."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from zoo.data.errors import MissingDataError
from zoo.data.reading import check_data_file

__all__ = ["DATA_DIR_ENV", "resolve_data_path"]

DATA_DIR_ENV = "LSTM_ZOO_DATA_DIR"


def _candidates(directory: Path, default_name: str) -> list[Path]:
    """``directory/default_name``, then ``directory/<basename of default_name>``.

    This lets a caller point at either the datasets root (``.../datasets`` holding
    ``SST-2/train.tsv``) or the dataset folder itself (``.../SST-2`` holding ``train.tsv``).
    """
    name = PurePosixPath(default_name)
    paths = [directory / Path(*name.parts)]
    if len(name.parts) > 1:
        paths.append(directory / name.name)
    return paths


def resolve_data_path(path_or_dir: str | os.PathLike[str] | None, default_name: str) -> Path:
    """Find a data file.

    Resolution order:

    1. ``path_or_dir`` is an existing file: it is returned as is (after
       :func:`zoo.data.reading.check_data_file`: a device, FIFO or a file over the size
       limit raises :class:`~zoo.data.errors.DataError`).
    2. ``path_or_dir`` is an existing directory: ``path_or_dir/default_name``, else
       ``path_or_dir/<last part of default_name>``.
    3. ``path_or_dir`` is ``None``: the same two candidates under the directory named by the
       environment variable ``LSTM_ZOO_DATA_DIR``.

    Args:
        path_or_dir: A file, a directory, or ``None``.
        default_name: The file's path relative to a data directory, with ``/`` separators,
            e.g. ``"SST-2/train.tsv"`` or ``"ETT/ETTh1.csv"``.

    Returns:
        The path of an existing file.

    Raises:
        MissingDataError: With a one-line message naming every path that was looked for
            (or saying that no path was given and ``LSTM_ZOO_DATA_DIR`` is unset).
    """
    if path_or_dir is not None:
        origin = "given path"
        base = Path(path_or_dir).expanduser()
        if base.is_file() or (base.exists() and not base.is_dir()):
            return check_data_file(base)
        if not base.exists():
            raise MissingDataError(
                f"data file {default_name!r} not found: {str(base)!r} does not exist"
            )
    else:
        env = os.environ.get(DATA_DIR_ENV, "").strip()
        if not env:
            raise MissingDataError(
                f"data file {default_name!r} not found: no path was given and "
                f"{DATA_DIR_ENV} is not set (set it to the directory holding {default_name!r})"
            )
        origin = f"{DATA_DIR_ENV}={env}"
        base = Path(env).expanduser()
        if not base.is_dir():
            raise MissingDataError(
                f"data file {default_name!r} not found: {origin} is not a directory"
            )
    candidates = _candidates(base, default_name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(repr(str(c)) for c in candidates)
    raise MissingDataError(f"data file {default_name!r} not found: looked for {looked} ({origin})")
