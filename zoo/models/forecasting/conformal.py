"""Conformal calibration of forecast intervals, in NumPy (no TensorFlow).

Two calibrations of an interval `[lower, upper]` from the conformity scores
`max(lower - y, y - upper)` of calibration windows (CQR, Romano et al. 2019):

* **split conformal** (`conformal_margins`): one margin per horizon step and target, the
  `ceil((n + 1)(1 - alpha))`-th smallest of the `n` scores. It covers at least
  `1 - alpha` when calibration and test windows are exchangeable, which the windows of a
  series seldom are: a validation tail from one season calibrates the next badly.
* **adaptive conformal inference** (`adaptive_margins`; ACI, Gibbs & Candès 2021,
  "Adaptive Conformal Inference Under Distribution Shift", NeurIPS): the miscoverage level
  `alpha_t` used to read the same score quantile moves after every target that arrives,
  `alpha_{t+1} = alpha_t + gamma (alpha - err_t)` (err_t = 1 when the target fell outside).
  Whatever the series does, the miss rate of `T` intervals stays within
  `(max(alpha, 1 - alpha) + gamma) / (gamma T)` of `alpha`, plus `d / T` when the feedback
  comes `d` windows late (the horizon step's delay). It needs the actuals as they come,
  which a walk-forward evaluation (and a deployment that sees its targets) has.

The calibration scores are kept as at most `SCORE_POINTS` order statistics per horizon
step and target (`score_summary`), so that a saved model and a bundle carry them.
"""

from __future__ import annotations

import numpy as np

#: Order statistics of the calibration scores kept per horizon step and target.
SCORE_POINTS = 256
#: ACI's step size. With T windows the long-run miss rate is within
#: (0.8 + GAMMA) / (GAMMA * T) of nominal for an 80% interval: 4.7 points at T = 365,
#: 0.6 at T = 2,800 (ETTh1's test split); a larger step tracks faster but jitters more.
GAMMA = 0.05


def conformity_scores(lower: np.ndarray, upper: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CQR's scores `max(lower - y, y - upper)`: how far outside (positive) or inside
    (negative) its interval each actual fell."""
    return np.maximum(np.asarray(lower) - y, np.asarray(y) - upper)


def conformal_margins(
    lower: np.ndarray, upper: np.ndarray, y: np.ndarray, coverage: float
) -> np.ndarray:
    """Split-conformal margins of CQR (Romano et al., 2019) per horizon step and target.

    Args:
        lower, upper: the raw interval bounds `[N, H, n]` on calibration windows.
        y: the actuals `[N, H, n]` (same scale).
        coverage: the nominal coverage `1 - alpha` of the interval.

    Returns:
        `[H, n]`: the `ceil((N + 1)(1 - alpha))`-th smallest of the scores
        `max(lower - y, y - upper)` (the largest when there are too few); moving each
        bound out by it gives a marginal coverage of at least `1 - alpha` on exchangeable
        data (negative: the interval shrinks).
    """
    scores = np.sort(conformity_scores(lower, upper, y), axis=0)
    n = scores.shape[0]
    rank = min(n, int(np.ceil((n + 1) * coverage)))
    return scores[rank - 1]


def score_summary(scores: np.ndarray, points: int = SCORE_POINTS) -> np.ndarray:
    """The sorted scores `[N, H, n]` along the first axis, thinned to at most `points`
    evenly spaced order statistics (the first and last kept): `[min(N, points), H, n]`."""
    ordered = np.sort(np.asarray(scores, dtype=np.float64), axis=0)
    if len(ordered) <= points:
        return ordered
    return ordered[np.round(np.linspace(0, len(ordered) - 1, points)).astype(int)]


def margin_at(summary: np.ndarray, count: int, alpha: np.ndarray) -> np.ndarray:
    """The split-conformal margin at miscoverage `alpha` (per horizon step and target,
    `[H, n]`) from a `score_summary` of `count` scores: the order statistic of rank
    `ceil((count + 1)(1 - alpha))`; `+inf` past the largest score (alpha too small for
    `count` scores) and `-inf` at alpha >= 1 (the empty interval), as ACI needs."""
    alpha = np.asarray(alpha, dtype=np.float64)
    rank = np.ceil((count + 1) * (1.0 - alpha))  # 1-based rank among `count` scores
    points = len(summary)
    index = np.clip(np.ceil(rank / count * points).astype(int) - 1, 0, points - 1)
    margin = np.take_along_axis(summary, index[None], axis=0)[0]
    margin = np.where(rank > count, np.inf, margin)
    return np.where(rank < 1, -np.inf, margin)


def adaptive_margins(
    lower: np.ndarray,
    upper: np.ndarray,
    y: np.ndarray,
    summary: np.ndarray,
    count: int,
    coverage: float,
    gamma: float = GAMMA,
    centre: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """ACI over consecutive windows (stride 1, in time order) of one series.

    The target of window `j` at horizon step `h` (0-based) is known from window
    `j + h + 1` on, so each step's level is updated with that delay: no window's margin
    depends on an actual that comes after its forecast origin.

    Args:
        lower, upper: the raw interval bounds `[N, H, n]`.
        y: the actuals `[N, H, n]`, same scale as the bounds and the summary.
        summary, count: the calibration scores (`score_summary`) and how many there were.
        coverage: the nominal coverage `1 - alpha`.
        gamma: the step size of the level.
        centre: optional point forecasts `[N, H, n]`; a shrinking margin stops there
            (as the model's intervals do at the median).

    Returns:
        `(margins [N, H, n], covered [N, H, n] bool)`.
    """
    lower, upper, y = (np.asarray(a, dtype=np.float64) for a in (lower, upper, y))
    n_windows, horizon = lower.shape[:2]
    target = 1.0 - float(coverage)
    alpha = np.full(lower.shape[1:], target)
    margins = np.empty_like(lower)
    covered = np.zeros(lower.shape, dtype=bool)
    steps = np.arange(horizon)
    for j in range(n_windows):
        known = j - steps - 1  # the window whose step-h target has just arrived
        ready = known >= 0
        if ready.any():
            misses = ~covered[known[ready], steps[ready]]
            alpha[steps[ready]] += gamma * (target - misses)
        margin = margin_at(summary, count, alpha)
        low, high = lower[j] - margin, upper[j] + margin
        if centre is not None:
            low, high = np.minimum(low, centre[j]), np.maximum(high, centre[j])
        margins[j] = margin
        covered[j] = (y[j] >= low) & (y[j] <= high)
    return margins, covered
