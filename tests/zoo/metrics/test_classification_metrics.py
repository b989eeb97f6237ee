"""Classification metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.metrics import accuracy, confusion_matrix, macro_f1, per_class_f1

Y_TRUE = [0, 0, 1, 1, 2, 2]
Y_PRED = [0, 1, 1, 1, 2, 0]


def test_accuracy_labels_and_scores() -> None:
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(4 / 6)
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    assert accuracy([0, 1, 1], scores) == pytest.approx(2 / 3)


def test_confusion_matrix() -> None:
    cm = confusion_matrix(Y_TRUE, Y_PRED, num_classes=3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    assert confusion_matrix([0], [0], num_classes=3).sum() == 1
    with pytest.raises(ValueError, match="outside 0..1"):
        confusion_matrix([0, 2], [0, 1], num_classes=2)


def test_macro_f1_hand_computed() -> None:
    # class 0: tp 1, fp 1, fn 1 -> 0.5; class 1: tp 2, fp 1, fn 0 -> 0.8; class 2: tp 1,
    # fp 0, fn 1 -> 2/3.
    np.testing.assert_allclose(per_class_f1(Y_TRUE, Y_PRED, 3), [0.5, 0.8, 2 / 3])
    assert macro_f1(Y_TRUE, Y_PRED) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    # A class absent from both inputs is ignored; one never predicted right counts 0.
    assert macro_f1([0, 0], [0, 0], num_classes=3) == pytest.approx(1.0)
    assert macro_f1([0, 1], [0, 0]) == pytest.approx((2 / 3 + 0.0) / 2)


def test_input_checks() -> None:
    with pytest.raises(ValueError, match="3 labels but y_pred has 2"):
        accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="at least one"):
        accuracy([], [])
