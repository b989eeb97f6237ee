"""Loading a saved model directory without trusting what it holds.

`load_directory` (behind `ZooModel.load` / `zoo.load_model`):

1. reads `zoo_model.json` with a size bound, as UTF-8, as one JSON object,
   refusing a symbolic link or anything but a regular file;
2. checks its `format_version`, then validates it against the JSON Schema
   `zoo.schemas.MODEL_STATE`;
3. resolves the model **only through the registry**: `name` must be a
   registered model and `class`, when present, must be that model's class
   path; nothing named in the file is imported or called;
4. validates `preprocessing` against the family's schema, then builds the
   model from `hparams` and restores the preprocessing;
5. only then reads `model.keras`, after checking it is a Keras archive, with
   Keras' safe mode on.

Every problem is a one-line `ModelFileError` (a `ValueError`) naming the file
and field. `model_from_state` is steps 3 and 4, without TensorFlow: the
bundle runtime builds its models with it.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path
from typing import Any

from zoo.family import family_for
from zoo.jsonfile import MetadataError, check_format_version, read_json_object
from zoo.models.base import FORMAT_VERSION, MODEL_FILE, STATE_FILE, ZooModel
from zoo.schemas import MODEL_STATE, check


class ModelFileError(MetadataError):
    """A saved model directory whose files cannot be used (the message names
    the file and field)."""


def _one_line(error: BaseException, limit: int = 300) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_state(directory: str | os.PathLike[str]) -> tuple[Path, dict[str, Any]]:
    """`(path, state)` of `directory/zoo_model.json`, read and validated."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no such model directory.")
    path = directory / STATE_FILE
    if not path.exists() and not path.is_symlink():
        raise FileNotFoundError(
            f"{directory} is not a zoo model directory: {STATE_FILE} is missing."
        )
    state = read_json_object(path, ModelFileError)
    check_format_version(
        state, path, FORMAT_VERSION, ModelFileError, "save the model again with this version"
    )
    check(state, MODEL_STATE, path, ModelFileError)
    return path, state


def model_from_state(
    state: dict[str, Any], file: str | os.PathLike[str], error: type[ValueError]
) -> ZooModel:
    """The model `state` describes (hyperparameters and preprocessing, no network).

    `state` has passed its file's schema (`name`, `task`, `hparams` and
    `preprocessing` present and typed). The class comes from the registry
    alone; `error` (naming `file` and the field) is raised for an unregistered
    name, a `class` that is not the registered one, a `task` of another
    family, or `hparams` / `preprocessing` the model refuses.
    """
    from zoo.registry import UnknownModelError, model_class

    try:
        klass = model_class(state["name"], state.get("class"))
    except UnknownModelError as problem:
        raise error(
            f"{file}: field 'name': {_one_line(problem)} Only registered models are loaded."
        ) from None
    except ValueError as problem:
        raise error(f"{file}: field 'class': {_one_line(problem)}") from None
    if state["task"] != klass.task:
        raise error(
            f"{file}: field 'task': {state['task']!r}, but {state['name']!r} is a "
            f"{klass.task} model"
        )
    preprocessing = state["preprocessing"]
    family = family_for(klass)
    if family.has("preprocessing_schema"):
        schema = family.resolve("preprocessing_schema")
        check(preprocessing, schema, file, error, prefix=("preprocessing",))
    if family.has("check_preprocessing"):
        family.resolve("check_preprocessing")(preprocessing, str(file), error)
    try:
        model = klass(name=state["name"], **state["hparams"])
    except (TypeError, ValueError) as problem:
        raise error(f"{file}: field 'hparams': {_one_line(problem)}") from None
    try:
        model.restore_preprocessing(preprocessing)
    except (KeyError, TypeError, ValueError, IndexError) as problem:
        raise error(f"{file}: field 'preprocessing': {_one_line(problem)}") from None
    return model


def check_keras_archive(path: Path) -> None:
    """`path` is a regular, non-empty zip file holding a Keras `config.json`."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: missing; the model directory holds no network (save the model again)"
        ) from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise ModelFileError(f"{path}: is {kind}; expected a Keras archive")
    if info.st_size == 0:
        raise ModelFileError(f"{path}: is empty (0 bytes): not a valid Keras archive")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as problem:
        raise ModelFileError(
            f"{path}: not a valid Keras archive (truncated or corrupted: {_one_line(problem)})"
        ) from None
    if "config.json" not in names:
        raise ModelFileError(f"{path}: not a valid Keras archive (it holds no config.json)")


def load_directory(directory: str | os.PathLike[str]) -> ZooModel:
    """The model saved in `directory` (see the module docstring)."""
    path, state = read_state(directory)
    model = model_from_state(state, path, ModelFileError)
    model.history = state.get("history", {})
    network_path = Path(directory) / MODEL_FILE
    check_keras_archive(network_path)

    import keras

    import zoo.layers  # noqa: F401  (registers the zoo layers for loading)

    type(model).register_custom_objects()
    try:
        model.network = keras.models.load_model(network_path, safe_mode=True)
    except Exception as problem:  # Keras and h5py raise many types
        raise ModelFileError(
            f"{network_path}: not a valid Keras archive ({_one_line(problem, 200)})"
        ) from None
    return model
