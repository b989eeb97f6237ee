"""`SearchConfig`: one validated description of a search, checked once.

In the spirit of timm's `PretrainedCfg`: a frozen dataclass whose fields are the options
of `tuning.search`, checked and normalised in `__post_init__`, so that everything after it
works on known-good values. The command line builds one from its options; the library
speaks in its own terms (field names), and `ConfigError.for_cli()` says the same in the
command line's (option names).

    config = SearchConfig("forecast-lstm", tuner="hyperband", max_trials=12, max_epochs=9)
    tuning.search(config)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuning.validation import ROLES, TRIAL_STRATEGIES, TUNERS, SearchInputError, parse_address


class ConfigError(SearchInputError):
    """A search option that cannot work.

    The message is a template whose `{field}` placeholders name the options involved:
    `str(error)` fills them with the field names (`max_trials`), `for_cli()` with the
    command line's options (`--max-trials`).
    """

    def __init__(self, template: str, **values: Any) -> None:
        self.template = template
        self.values = values
        super().__init__(self._fill(lambda name: name))

    def _fill(self, spell) -> str:
        names = {f.name: spell(f.name) for f in dataclasses.fields(SearchConfig)}
        return self.template.format(**names, **self.values)

    def for_cli(self) -> str:
        return self._fill(lambda name: "--" + name.replace("_", "-"))


@dataclass(frozen=True)
class SearchConfig:
    """Everything a search of one registered model needs, validated.

    Args:
        model: a registry name ("sentiment-lstm", "forecast-lstm", ...).
        tuner: "hyperband" (the default: multi-fidelity, many configurations at few
            epochs, the best promoted), "random", "bayesian" or "grid" (keras-tuner's own).
        max_trials: trials in all (a resumed search counts the earlier ones).
        max_epochs: epochs per trial (Hyperband: the most a trial gets).
        time_budget: seconds, or "90s", "30m", "1h30m"; no trial starts after it, and
            running trials stop at their next epoch. Stored in seconds.
        executions_per_trial: trainings per trial, averaged.
        directory, project: the project is `directory/project` (default project: the
            model name).
        overwrite: start the project anew (only a folder lstm-zoo created is removed).
        seed: seeds the tuner's sampling and the data split.
        fixed: hyperparameters held fixed (a searched one becomes `hp.Fixed`).
        prune, prune_startup_trials, prune_warmup_epochs: median-stopping pruning.
        baseline: the registered defaults are trial 0 (same epochs, pruning and budget
            as every other trial; the comparison in `summary.json`).
        distributed, oracle, tuner_id, connect_timeout: "chief" or "worker" of a
            keras-tuner distributed search at `oracle` ("HOST:PORT").
        trial_timeout: seconds the chief waits for a worker's next report (start or
            epoch) before it queues that worker's trial again for another worker.
        distribute: "mirrored": each trial (and the baseline) trains under
            `tf.distribute.MirroredStrategy` over this machine's devices, through
            keras-tuner's `distribution_strategy`. Several machines share a search as
            chief and workers (`distributed`), each with its own devices.
        verbose: Keras verbosity of each fit (0: only our lines per epoch).

    Raises:
        ConfigError: naming the option and its value; `UnknownModelError` for an
            unregistered model.
    """

    model: str
    tuner: str = "hyperband"
    max_trials: int = 10
    max_epochs: int = 5
    time_budget: float | str | None = None
    executions_per_trial: int = 1
    directory: Path = Path("runs/tuning")
    project: str = ""
    overwrite: bool = False
    seed: int = 0
    fixed: Mapping[str, Any] = field(default_factory=dict)
    prune: bool = True
    prune_startup_trials: int = 3
    prune_warmup_epochs: int = 1
    baseline: bool = True
    distributed: str | None = None
    oracle: str | None = None
    tuner_id: str | None = None
    connect_timeout: float = 60.0
    trial_timeout: float = 600.0
    distribute: str | None = None
    verbose: int | str = 0

    def __post_init__(self) -> None:
        import zoo
        from tuning.budget import parse_duration

        card = zoo.model_card(self.model)  # UnknownModelError, with suggestions
        if self.tuner not in TUNERS:
            raise ConfigError(
                "{tuner}: unknown tuner {value!r}; choose one of {choices}.",
                value=self.tuner,
                choices=", ".join(TUNERS),
            )
        for name in ("max_trials", "max_epochs", "executions_per_trial", "seed"):
            least = 0 if name == "seed" else 1
            _whole(name, getattr(self, name), least)
        for name in ("prune_startup_trials", "prune_warmup_epochs"):
            _whole(name, getattr(self, name), 0)
        try:
            budget = parse_duration(self.time_budget)
        except ValueError as error:
            raise ConfigError("{time_budget}: {reason}", reason=str(error)) from None
        for name in ("connect_timeout", "trial_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not (isinstance(value, (int, float)) and value > 0):
                raise ConfigError(
                    "{" + name + "} must be a positive number of seconds; received {value!r}.",
                    value=value,
                )
        fixed = dict(self.fixed or {})
        unknown = sorted(set(fixed) - set(card["hyperparameters"]))
        if unknown:
            raise ConfigError(
                "{model_name} has no hyperparameter {name!r}; known: {known}.",
                model_name=self.model,
                name=unknown[0],
                known=", ".join(sorted(card["hyperparameters"])),
            )
        self._check_distributed()
        if self.distribute not in TRIAL_STRATEGIES:
            raise ConfigError(
                "{distribute} must be 'mirrored' (this machine's devices for each trial); "
                "several machines share a search with {distributed} chief|worker; "
                "received {value!r}.",
                value=self.distribute,
            )
        object.__setattr__(self, "time_budget", budget)
        object.__setattr__(self, "fixed", fixed)
        object.__setattr__(self, "directory", Path(self.directory))
        object.__setattr__(self, "project", self.project or self.model)

    def _check_distributed(self) -> None:
        role, address = self.distributed, self.oracle
        if role is None:
            if address is not None:
                raise ConfigError(
                    "{oracle} {address} needs {distributed} chief or worker.", address=address
                )
            return
        if role not in ROLES:
            raise ConfigError(
                "{distributed} must be 'chief' or 'worker'; received {value!r}.", value=role
            )
        if address is None:
            raise ConfigError("{distributed} {role} needs {oracle} HOST:PORT.", role=role)
        try:
            parse_address(address)
        except ValueError:
            raise ConfigError(
                "{oracle} expects HOST:PORT (e.g. 127.0.0.1:8000); received {value!r}.",
                value=address,
            ) from None
        if role == "worker" and self.tuner_id and "chief" in self.tuner_id:
            raise ConfigError(
                "a worker's {tuner_id} must not contain 'chief' (keras-tuner reads that as the "
                "chief); received {value!r}.",
                value=self.tuner_id,
            )

    @property
    def project_dir(self) -> Path:
        return Path(self.directory) / self.project

    @property
    def role(self) -> str:
        """ "local", "chief" or "worker"."""
        return self.distributed or "local"

    def replace(self, **changes: Any) -> SearchConfig:
        """A copy with `changes`, validated again."""
        return dataclasses.replace(self, **changes)


def _whole(name: str, value: Any, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(
            "{" + name + "} must be a whole number of at least {least}; received {value!r}.",
            least=least,
            value=value,
        )
