"""Output folders that never destroy what lstm-zoo did not create.

Every folder the project writes as an output (a saved model, a bundle, a tuning project,
a tuning root it created) carries a small marker file, `.lstm-zoo`, holding JSON:
`{"tool": "lstm-zoo", "kind": ..., "created": ..., ...}`. The rules:

* `check_destination` refuses, before anything is written (and before any training):
  the working directory, its parents, the home directory (and its parents) and the
  filesystem root; a symbolic link; a path that is a file or lies under a file; a place
  where nothing can be written; a non-empty folder without our marker (even with
  `overwrite`); a folder of ours of another kind; and a folder of ours of the same kind
  unless `overwrite`.
* `staged` writes an output into a hidden staging folder beside it,
  `.NAME.staging.PID-XXXXXXXX` (marked from the start with the output's own marker, so
  the marker is one of the output's files before any other is written), and renames it into place with `os.replace`;
  an earlier output of ours there is first moved into `.NAME.old.PID-XXXXXXXX` (marked)
  and removed once the new one is in place. A failure removes the staging folder, so
  nothing is left half-written.
* `clean_stale` removes such staging and trash folders left by a killed process (its pid
  is gone) the next time something is written to the same place. It removes only folders
  with that name pattern which carry our marker (or are empty).

Errors are `OutputError`, a `ValueError`: `lstm-zoo` prints them as one `error:` line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema

#: The marker file of every output folder lstm-zoo creates.
MARKER = ".lstm-zoo"
MODEL = "model"
BUNDLE = "bundle"
PROJECT = "tuning-project"
TUNING_ROOT = "tuning-directory"
TRASH = "trash"
RUN = "run"  # a folder of results that is not a model directory (quickstart)
KINDS = (MODEL, BUNDLE, PROJECT, TUNING_ROOT, TRASH, RUN)
#: Readable names of the kinds, for messages.
NAMES = {
    MODEL: "model directory",
    BUNDLE: "bundle",
    PROJECT: "tuning project",
    TUNING_ROOT: "tuning directory",
    TRASH: "trash folder",
    RUN: "results folder",
}
#: A marker file larger than this is not ours.
MARKER_LIMIT = 4096
#: Another host's staging folders are left alone until they are this old.
FOREIGN_HOST_AGE = dt.timedelta(days=1)
_NAME_IN_STAGING = 100  # characters of the output's name kept in a staging folder's name
_STALE = re.compile(r"^\.(?P<name>.+)\.(?P<what>staging|old)\.(?P<pid>\d+)-[A-Za-z0-9_]+$")
_MARKER_SCHEMA = {
    "type": "object",
    "required": ["tool", "kind"],
    "properties": {
        "tool": {"const": "lstm-zoo"},
        "kind": {"enum": list(KINDS)},
        "created": {"type": "string"},
        "pid": {"type": "integer"},
        "host": {"type": "string"},
        "target": {"type": "string"},
        "owner": {"type": "string"},
    },
}


class OutputError(ValueError):
    """An output path that cannot be written safely (the message names it)."""


# -- the marker ---------------------------------------------------------------------------
def write_marker(
    directory: str | os.PathLike[str],
    kind: str,
    target: str | None = None,
    owner: str | None = None,
) -> Path:
    """Writes `directory/.lstm-zoo` atomically (a temporary file renamed into place);
    `owner` (a model's registry name) lets a later output of the same owner replace it."""
    directory = Path(directory)
    record: dict[str, Any] = {
        "tool": "lstm-zoo",
        "kind": kind,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "host": socket.gethostname(),
    }
    if target is not None:
        record["target"] = target
    if owner is not None:
        record["owner"] = owner
    handle, temporary = tempfile.mkstemp(prefix=f"{MARKER}.", dir=directory)
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(json.dumps(record) + "\n")
        os.replace(temporary, directory / MARKER)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return directory / MARKER


def read_marker(directory: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The marker of `directory`, or None when it has none we wrote (missing, a link,
    too large, not JSON, or not matching the marker's schema)."""
    path = Path(directory) / MARKER
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MARKER_LIMIT:
            return None
        with open(path, "rb") as stream:
            record = json.loads(stream.read(MARKER_LIMIT).decode("utf-8"))
        jsonschema.validate(record, _MARKER_SCHEMA)
    except (OSError, ValueError, jsonschema.ValidationError):
        return None
    return record


def kind_of(directory: str | os.PathLike[str]) -> str | None:
    """The kind of output `directory` holds (its marker's), or None when it is not ours."""
    directory = Path(directory)
    if directory.is_symlink() or not directory.is_dir():
        return None
    marker = read_marker(directory)
    return marker["kind"] if marker else None


# -- checks -------------------------------------------------------------------------------
def _resolved(path: Path) -> Path:
    return Path(os.path.abspath(path)).resolve()


def protected_reason(path: str | os.PathLike[str]) -> str | None:
    """Why `path` may never be an output folder, or None: it is the working directory,
    one of its parents, the home directory (or one of its parents) or the root."""
    target = _resolved(Path(path))
    if target == Path(target.anchor):
        return "the filesystem root"
    cwd = Path.cwd().resolve()
    if target == cwd:
        return "the working directory"
    if target in cwd.parents:
        return "a parent of the working directory"
    home = Path(os.path.expanduser("~")).resolve()
    if target == home:
        return "the home directory"
    if target in home.parents:
        return "a parent of the home directory"
    return None


def _label(path: Path, option: str | None) -> str:
    return f"{option} {path}" if option else str(path)


def _probe(directory: Path, label: str) -> None:
    """Creates and removes an empty folder in `directory`: can we write there?"""
    try:
        Path(tempfile.mkdtemp(prefix=".lstm-zoo-probe.", dir=directory)).rmdir()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputError(f"{label}: cannot write in {directory} ({reason}).") from None


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(path.anchor)


def check_destination(
    path: str | os.PathLike[str],
    kind: str,
    *,
    overwrite: bool = False,
    option: str | None = None,
    owner: str | None = None,
) -> Path:
    """Checks that an output of `kind` may be written at `path`; returns the path.

    Args:
        path: the output folder.
        kind: what is written there (`MODEL`, `BUNDLE`, `PROJECT`, ...).
        overwrite: an earlier output of the same kind there may be replaced.
        option: the command-line option the path came from, named in the messages.
        owner: who writes (a model's registry name): an earlier output of ours of the
            same kind and owner is replaced without `overwrite` (training the same
            model again into the same folder); another owner's needs `overwrite`.

    Raises:
        OutputError: see the module's docstring; nothing was written.
    """
    path = Path(path)
    try:
        return _check_destination(path, kind, overwrite, option, owner)
    except OutputError:
        raise
    except OSError as error:  # e.g. a folder we may not even look into
        reason = error.strerror or type(error).__name__
        raise OutputError(f"{_label(path, option)}: cannot be used ({reason}).") from None


def _check_destination(
    path: Path, kind: str, overwrite: bool, option: str | None, owner: str | None = None
) -> Path:
    label = _label(path, option)
    choose = f"choose another {option}" if option else "choose another folder"
    reason = protected_reason(path)
    if reason:
        raise OutputError(f"{label}: refusing to write into {reason}; {choose}.")
    if path.is_symlink():
        raise OutputError(f"{label} is a symbolic link; {choose}.")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{label} is a file, not a folder; {choose}.")
    if not path.exists():
        existing = _nearest_existing(path.parent)
        if not existing.is_dir():
            raise OutputError(f"{label}: cannot be created, {existing} is a file; {choose}.")
        _probe(existing, label)
        return path
    _probe(path.parent, label)
    if not any(path.iterdir()):
        return path
    found = kind_of(path)
    if found is None:
        raise OutputError(
            f"{label} is a non-empty folder that is not an lstm-zoo {NAMES[kind]} (it has "
            f"no {MARKER} marker); {choose} (overwriting only ever replaces folders that "
            "lstm-zoo wrote)."
        )
    if found != kind:
        raise OutputError(
            f"{label} holds an lstm-zoo {NAMES.get(found, found)}, not a {NAMES[kind]}; {choose}."
        )
    earlier = (read_marker(path) or {}).get("owner")
    if not overwrite and not (owner is not None and earlier == owner):
        hint = "pass --overwrite to replace it" if option else "pass overwrite=True"
        whose = f" of {earlier!r}" if earlier else ""
        raise OutputError(f"{label} already holds a {NAMES[kind]}{whose}; {choose} or {hint}.")
    return path


# -- staging, replacing, cleaning ---------------------------------------------------------
def _alive(pid: int, marker: dict[str, Any]) -> bool:
    """Whether the process that made a staging folder may still be writing it."""
    if marker.get("host", socket.gethostname()) != socket.gethostname():
        try:
            created = dt.datetime.fromisoformat(marker.get("created", ""))
            return dt.datetime.now(dt.UTC) - created < FOREIGN_HOST_AGE
        except (TypeError, ValueError):  # no date, or one without a time zone
            return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_stale(parent: str | os.PathLike[str], name: str) -> list[Path]:
    """Removes the staging and trash folders of `parent/name` left by dead processes.

    Only folders named `.NAME.staging.PID-*` or `.NAME.old.PID-*` are looked at; one is
    removed when it is empty, or when it carries our marker for `name` and its process
    is gone. Returns the removed folders."""
    parent = Path(parent)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = _STALE.match(entry.name)
        if not match or match["name"] != name[:_NAME_IN_STAGING]:
            continue
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        marker = read_marker(path)
        if marker is None:
            try:
                path.rmdir()  # an empty one (killed before its marker was written)
                removed.append(path)
            except OSError:
                pass
            continue
        if marker.get("target") != name:
            continue
        if _alive(int(match["pid"]), marker):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _hidden_folder(out: Path, what: str, kind: str, owner: str | None = None) -> Path:
    prefix = f".{out.name[:_NAME_IN_STAGING]}.{what}.{os.getpid()}-"
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=out.parent))
    try:
        write_marker(folder, kind, target=out.name, owner=owner)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _make_parents(directory: Path) -> list[Path]:
    """`mkdir -p directory`; returns the folders it created, outermost first."""
    missing = [p for p in (directory, *directory.parents) if not os.path.lexists(p)]
    directory.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            return


def replace_dir(
    staging: Path,
    out: Path,
    kind: str,
    *,
    overwrite: bool = False,
    option: str | None = None,
    owner: str | None = None,
) -> Path:
    """Renames the finished `staging` folder to `out`; an earlier output of ours of the
    same `kind` there is replaced (when `overwrite`, or of the same `owner`), anything
    else is refused."""
    check_destination(out, kind, overwrite=overwrite, option=option, owner=owner)
    if not out.exists() or not any(out.iterdir()):
        try:
            os.replace(staging, out)
        except OSError as error:  # created meanwhile by someone else
            raise OutputError(f"{_label(out, option)}: cannot be written ({error}).") from None
        return out
    trash = _hidden_folder(out, "old", TRASH)
    os.replace(out, trash / out.name)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(trash / out.name, out)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    shutil.rmtree(trash, ignore_errors=True)
    return out


def new_staging(out: str | os.PathLike[str], kind: str, owner: str | None = None) -> Path:
    """Creates the marked staging folder `.NAME.staging.PID-*` beside `out` (and the
    parents of `out`), after removing stale ones of dead processes (`clean_stale`)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out.parent, out.name)
    return _hidden_folder(out, "staging", kind, owner)  # its marker is the output's own


@contextmanager
def staged(
    out: str | os.PathLike[str],
    kind: str,
    *,
    overwrite: bool = True,
    option: str | None = None,
    owner: str | None = None,
) -> Iterator[Path]:
    """Yields a marked staging folder beside `out`; when the block ends without an error,
    the staging folder replaces `out` (see `replace_dir`); otherwise it is removed, with
    any parent folders this call created.

    Example:

        with staged("runs/model", MODEL) as folder:
            (folder / "weights.bin").write_bytes(...)
    """
    out = Path(out)
    check_destination(out, kind, overwrite=overwrite, option=option, owner=owner)
    created = _make_parents(out.parent)
    try:
        staging = new_staging(out, kind, owner)
    except BaseException:
        _remove_empty(created)
        raise
    try:
        yield staging
        replace_dir(staging, out, kind, overwrite=overwrite, option=option, owner=owner)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(created)
        raise


def _only_markers(path: Path) -> bool:
    """`path` holds nothing but our marker (or a marker being written)."""
    return all(p.name == MARKER or p.name.startswith(f"{MARKER}.") for p in path.iterdir())


def make_output_dir(path: str | os.PathLike[str], kind: str, *, option: str | None = None) -> Path:
    """Creates the folder `path` for an output that is filled in place (a tuning
    project or root); marks it when this call created it or it was empty. An existing
    folder must be ours of this `kind` (or empty): see `check_destination`."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        if kind_of(path) == kind:
            return path
        if _only_markers(path) and not protected_reason(path):  # another process marks it
            write_marker(path, kind)
            return path
    check_destination(path, kind, overwrite=False, option=option)
    _make_parents(path)
    if _only_markers(path):  # created here, or empty: from now on it holds only ours
        write_marker(path, kind)
    return path


def remove_output_dir(
    path: str | os.PathLike[str], kind: str, *, option: str | None = None
) -> None:
    """Removes the folder `path` only if it carries our marker of `kind` and is not
    protected (see `protected_reason`); it is first renamed to a hidden trash folder, so
    a kill part-way never leaves a half-removed output under its own name."""
    path = Path(path)
    label = _label(path, option)
    reason = protected_reason(path)
    if reason:
        raise OutputError(f"{label}: refusing to remove {reason}.")
    if not os.path.lexists(path):
        return
    found = kind_of(path)
    if found != kind:
        what = f"an lstm-zoo {NAMES.get(found, found)}" if found else f"no {MARKER} marker"
        raise OutputError(
            f"{label} holds {what}, not a {NAMES[kind]}: --overwrite only removes "
            f"{NAMES[kind]}s lstm-zoo created; nothing was removed."
        )
    clean_stale(path.parent, path.name)
    trash = _hidden_folder(path, "old", TRASH)
    os.replace(path, trash / path.name)
    shutil.rmtree(trash, ignore_errors=True)
