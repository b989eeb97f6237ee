"""Time budgets: "90s", "30m", "1h", "1h30m" in, seconds and a deadline out."""

from __future__ import annotations

import re
import time

_DURATION = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$"
)


def parse_duration(text: str | float | int | None) -> float | None:
    """Seconds in a duration such as "90s", "30m", "1h", "1h30m" or "45" (seconds).

    None stays None (no budget). Raises ValueError naming the text when it is not a
    positive duration.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        raw = str(text).strip().lower().replace(" ", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", raw):
            raw += "s"
        match = _DURATION.match(raw)
        if not raw or match is None or not any(match.groupdict().values()):
            raise ValueError(
                f"time budget {text!r} is not a duration; write it like 90s, 30m, 1h or 1h30m."
            )
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        seconds = parts.get("h", 0.0) * 3600 + parts.get("m", 0.0) * 60 + parts.get("s", 0.0)
    if not seconds > 0:
        raise ValueError(f"time budget {text!r} must be positive.")
    return seconds


def format_duration(seconds: float) -> str:
    """`5400` -> "1h30m", `95` -> "1m35s", `12.3` -> "12.3s"."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if n)


class Deadline:
    """A wall-clock deadline (or none): `expired()` once `seconds` have passed since
    construction. `started` is a `time.time()` stamp so it survives a process."""

    def __init__(self, seconds: float | None, started: float | None = None) -> None:
        self.seconds = seconds
        self.started = time.time() if started is None else started

    @property
    def at(self) -> float | None:
        return None if self.seconds is None else self.started + self.seconds

    def expired(self) -> bool:
        return self.seconds is not None and time.time() >= self.started + self.seconds

    def elapsed(self) -> float:
        return time.time() - self.started

    def __repr__(self) -> str:
        budget = "none" if self.seconds is None else format_duration(self.seconds)
        return f"Deadline({budget}, elapsed {format_duration(self.elapsed())})"
