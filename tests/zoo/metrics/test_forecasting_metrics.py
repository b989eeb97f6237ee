"""Forecasting metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.metrics import interval_coverage, mae, mase, mse, pinball_loss, rmse, smape


def test_mse_mae_rmse() -> None:
    y, f = [1.0, 2.0, 3.0], [2.0, 2.0, 5.0]
    assert mse(y, f) == pytest.approx((1 + 0 + 4) / 3)
    assert mae(y, f) == pytest.approx(1.0)
    assert rmse(y, f) == pytest.approx(np.sqrt(5 / 3))
    with pytest.raises(ValueError, match="shape mismatch"):
        mse([1.0], [1.0, 2.0])


def test_mase_series_and_season() -> None:
    insample = [1.0, 3.0, 2.0, 4.0]  # naive errors 2, 1, 2 -> scale 5/3
    assert mase([5.0, 6.0], [4.0, 4.0], insample) == pytest.approx(1.5 / (5 / 3))
    # season 2: |2-1|, |4-3| -> scale 1
    assert mase([5.0, 6.0], [4.0, 4.0], insample, season=2) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="constant history"):
        mase([1.0], [1.0], [2.0, 2.0, 2.0])


def test_mase_per_target_and_per_window() -> None:
    insample = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 4.0]])  # scales 1 and 2
    y = np.zeros((2, 1, 2))
    f = np.ones((2, 1, 2))  # MAE 1 for both targets
    assert mase(y, f, insample) == pytest.approx((1 / 1 + 1 / 2) / 2)
    windows = np.stack([insample, insample * 2])  # [N=2, W=3, n=2]: scales (1,2), (2,4)
    assert mase(y, f, windows) == pytest.approx(np.mean([1, 1 / 2, 1 / 2, 1 / 4]))


def test_smape() -> None:
    assert smape([100.0, 0.0], [110.0, 0.0]) == pytest.approx(100 * (2 * 10 / 210 + 0) / 2)
    assert smape([1.0], [-1.0]) == pytest.approx(200.0)


def test_interval_coverage() -> None:
    y = [1.0, 2.0, 3.0, 4.0]
    assert interval_coverage(y, [0.0, 2.0, 3.5, 0.0], [1.0, 2.5, 4.0, 3.0]) == pytest.approx(0.5)


def test_pinball_loss() -> None:
    # y = 10; q=0.1 forecast 8 (e=2): 0.2; q=0.9 forecast 12 (e=-2): 0.2; q=0.5 at 10: 0.
    assert pinball_loss([10.0], [[8.0, 10.0, 12.0]], [0.1, 0.5, 0.9]) == pytest.approx(0.4 / 3)
    # under-forecast with q=0.9 costs 9x more than over-forecast by the same amount
    assert pinball_loss([10.0], [[9.0]], [0.9]) == pytest.approx(0.9)
    assert pinball_loss([10.0], [[11.0]], [0.9]) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="shape"):
        pinball_loss([1.0, 2.0], [[1.0]], [0.5])
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        pinball_loss([1.0], [[1.0]], [1.0])
