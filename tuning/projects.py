"""The folders of a search: checked before anything is written, never removed unless ours.

A search writes into `DIRECTORY/PROJECT`. Before anything is trained or written:

* `check_directory`: DIRECTORY is not the working directory, one of its parents, the
  home directory or the root, not a file, and writable; a non-empty DIRECTORY must be
  ours (it carries the `.lstm-zoo` marker, or already holds an lstm-zoo project) unless
  `overwrite` (which lets a project be written into it; DIRECTORY itself is never removed).
* `check_project_name`: PROJECT is a plain folder name (not ".", "..", nor a path).
* `check_project`: an existing PROJECT folder is resumed only when it is a search of ours
  of the same model and tuner; `overwrite` removes it only when it carries our marker.
* `check_resume` (once the search's identity is known): a project that holds trials of
  another search (other data, fixed hyperparameters, max_epochs, seed, ...) is refused.

`data_fingerprint` is the sha256 of the data file(s), read in chunks; `search.json` keeps
it, so a resume on other data is caught. Every check raises `SearchInputError` (a
`ValueError`: one `error:` line, exit 2) naming the folder and the option.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from tuning.validation import MANIFEST, SearchInputError, read_manifest
from zoo import outputs

#: Bytes read at a time when fingerprinting data.
CHUNK = 1 << 20
#: The `search.json` fields a resumed search must share with the one that started it.
IDENTITY = (
    "model",
    "tuner",
    "objective",
    "direction",
    "hparams",
    "fixed",
    "max_epochs",
    "executions_per_trial",
    "seed",
    "data_sha256",
)


def _fail(message: str) -> SearchInputError:
    return SearchInputError(message)


def check_directory(directory: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Checks `--directory` (see the module's docstring); returns it."""
    directory = Path(directory)
    reason = outputs.protected_reason(directory)
    if reason:
        raise _fail(
            f"--directory {directory}: refusing to write into {reason}; "
            "choose another --directory (e.g. runs/tuning)."
        )
    if directory.exists() and not directory.is_dir():
        raise _fail(f"--directory {directory} is a file, not a folder; choose another.")
    if not directory.exists():
        try:  # the nearest existing parent must be a writable folder
            outputs.check_destination(directory, outputs.TUNING_ROOT, option="--directory")
        except outputs.OutputError as error:
            raise _fail(str(error)) from None
        return directory
    entries = [e for e in directory.iterdir() if e.name != outputs.MARKER]
    if not entries or overwrite or outputs.kind_of(directory) == outputs.TUNING_ROOT:
        return directory
    if any(outputs.kind_of(e) == outputs.PROJECT or (e / MANIFEST).is_file() for e in entries):
        return directory
    raise _fail(
        f"--directory {directory} is a non-empty folder that lstm-zoo did not create "
        f"(no {outputs.MARKER} marker, no lstm-zoo project in it); choose another "
        "--directory, or pass --overwrite to write the project into it (nothing else in "
        "it is ever removed)."
    )


def check_project_name(project: str) -> str:
    """`--project` must be one plain folder name."""
    text = str(project)
    if (
        not text.strip()
        or text in (".", "..")
        or "/" in text
        or "\\" in text
        or os.sep in text
        or (os.altsep and os.altsep in text)
        or text.startswith(".")
    ):
        raise _fail(
            f"--project must be a plain folder name (no '/', not '.' or '..', not hidden); "
            f"received {project!r}."
        )
    return text


def check_project(project_dir: Path, model: str, tuner: str, overwrite: bool) -> None:
    """An existing project must be a search of ours of the same model and tuner (it is
    then resumed); with `overwrite` it must carry our marker (it is then removed)."""
    label = f"--project {project_dir.name} ({project_dir})"
    reason = outputs.protected_reason(project_dir)
    if reason:
        raise _fail(f"{label}: refusing to use {reason} as a project; choose another.")
    if project_dir.is_symlink():
        raise _fail(f"{label} is a symbolic link; choose another --project.")
    if not project_dir.exists():
        return
    if not project_dir.is_dir():
        raise _fail(f"{label} is a file, not a folder; choose another --project.")
    kind = outputs.kind_of(project_dir)
    if overwrite:
        if kind != outputs.PROJECT:
            what = f"an lstm-zoo {outputs.NAMES[kind]}" if kind else f"no {outputs.MARKER} marker"
            raise _fail(
                f"{label} holds {what}: --overwrite only removes tuning projects that "
                "lstm-zoo created; nothing was removed. Choose another --directory/--project."
            )
        return
    if not any(project_dir.iterdir()):
        return
    if kind not in (None, outputs.PROJECT):
        raise _fail(
            f"{label} holds an lstm-zoo {outputs.NAMES[kind]}, not a tuning project; "
            "choose another --directory/--project."
        )
    manifest = read_manifest(project_dir)
    if manifest is None:
        if (project_dir / "oracle.json").exists() or any(project_dir.glob("trial_*")):
            raise _fail(
                f"{project_dir} holds a keras-tuner project that lstm-zoo did not start; "
                "choose another --directory/--project."
            )
        raise _fail(
            f"{label} is a non-empty folder that is not an lstm-zoo tuning project; "
            "choose another --directory/--project (--overwrite never removes it)."
        )
    if manifest.get("model") != model:
        raise _fail(
            f"{project_dir} holds a search of {manifest.get('model')!r}, not {model!r}; "
            "choose another --directory/--project, or pass --overwrite to replace it."
        )
    if manifest.get("tuner") != tuner:
        raise _fail(
            f"{project_dir} holds a {manifest.get('tuner')} search of {model!r}; resume it with "
            f"--tuner {manifest.get('tuner')}, or pass --overwrite to start a {tuner} search."
        )


def prepare_folders(directory: Path, project_dir: Path) -> None:
    """Creates DIRECTORY (marked, when this creates it) and PROJECT (marked when this
    creates it or it is empty); a resumed project is left as it is."""
    if not directory.exists():
        outputs.make_output_dir(directory, outputs.TUNING_ROOT, option="--directory")
    if not project_dir.exists() or not any(project_dir.iterdir()):
        outputs.make_output_dir(project_dir, outputs.PROJECT, option="--project")


def remove_project(project_dir: Path) -> None:
    """`--overwrite`: removes the project folder, only if it carries our marker."""
    try:
        outputs.remove_output_dir(project_dir, outputs.PROJECT, option="--project")
    except outputs.OutputError as error:
        raise _fail(str(error)) from None


# -- the data fingerprint and the resume check -------------------------------------------
def _hash_file(path: Path, digest: Any) -> None:
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)


def data_fingerprint(data: Any, model: str, seed: int) -> str | None:
    """The sha256 of the data a search trains on: of the file's bytes (read in chunks),
    of every regular file below a folder (with their relative paths), or of the embedded
    default's identity and seed (`data` None). None: data in memory, or a path that is
    not a regular file or folder (it is then not compared)."""
    digest = hashlib.sha256()
    if data is None:
        digest.update(f"embedded default of {model}, seed {seed}".encode())
        return digest.hexdigest()
    if not isinstance(data, (str, os.PathLike)):
        return None
    from zoo.data.datasets import is_dataset

    if is_dataset(data):  # an embedded dataset, by name: its name and version
        digest.update(f"embedded dataset {data} of {model}, seed {seed}".encode())
        return digest.hexdigest()
    path = Path(data)
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        _hash_file(path, digest)
        return digest.hexdigest()
    if not stat.S_ISDIR(mode):
        return None
    for root, folders, files in os.walk(path):  # links are not followed
        folders.sort()
        for name in sorted(files):
            file = Path(root) / name
            if file.is_symlink() or not file.is_file():
                continue
            digest.update(f"{file.relative_to(path).as_posix()}\0".encode())
            _hash_file(file, digest)
            digest.update(b"\0")
    return digest.hexdigest()


def _plain(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _show(key: str, old: Any, new: Any, old_manifest: dict, manifest: dict) -> str:
    if key == "data_sha256":
        return (
            f"data differs: {old_manifest.get('data')} (sha256 {str(old)[:12]}), "
            f"now {manifest.get('data')} (sha256 {str(new)[:12]})"
        )
    return f"{key} {_plain(old)}, now {_plain(new)}"


def check_resume(project_dir: Path, manifest: dict[str, Any]) -> None:
    """A project already holding a search must have been started with the same
    `IDENTITY` fields as `manifest` (a field the old `search.json` lacks is not
    compared; without a fingerprint there, the data's name is)."""
    old = read_manifest(project_dir)
    if old is None:
        return
    differences = []
    for key in IDENTITY:
        if key not in old or key not in manifest:
            continue
        if key == "data_sha256" and (old[key] is None or manifest[key] is None):
            continue
        if _plain(old[key]) != _plain(manifest[key]):
            differences.append(_show(key, old[key], manifest[key], old, manifest))
    if "data_sha256" not in old and old.get("data") != manifest.get("data"):
        differences.append(f"data {old.get('data')}, now {manifest.get('data')}")
    if differences:
        raise _fail(
            f"{project_dir} holds trials of another search ({'; '.join(differences)}); "
            "choose another --directory/--project, or pass --overwrite to start a new "
            "search there."
        )
