"""Tests of ``emovid_mm.models.losses.EmotionMSELoss``."""
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS

import emovid_mm  # noqa: F401  (registers the loss)
from emovid_mm.models.losses import EmotionMSELoss

PRED = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
TARGET = torch.tensor([[0.0, 2.0], [5.0, 1.0]])
# Squared errors 1, 0, 4, 9: their mean is 14 / 4.
HAND_MSE = 3.5


def test_registered_in_mmaction_models():
    assert MODELS.get('EmotionMSELoss') is EmotionMSELoss
    loss = MODELS.build(dict(type='EmotionMSELoss', loss_weight=0.25))
    assert isinstance(loss, EmotionMSELoss)
    assert loss.loss_weight == 0.25
    assert MODELS.build(dict(type='EmotionMSELoss')).loss_weight == 1.0


def test_equals_hand_computed_mse():
    value = EmotionMSELoss()(PRED, TARGET)
    assert value.dim() == 0
    assert value.item() == pytest.approx(HAND_MSE)


@pytest.mark.parametrize('loss_weight', [1.0, 0.5, 3.0, 0.0])
def test_loss_weight_scales_hand_computed_mse(loss_weight):
    value = EmotionMSELoss(loss_weight=loss_weight)(PRED, TARGET)
    assert value.item() == pytest.approx(loss_weight * HAND_MSE)


@pytest.mark.parametrize('shape', [(5, 2), (7, 1), (3, )])
def test_matches_torch_mse_on_random_data(shape):
    gen = torch.Generator().manual_seed(3)
    pred = torch.randn(shape, generator=gen) * 2 + 3
    target = torch.rand(shape, generator=gen) * 4 + 1
    expected = 1.7 * F.mse_loss(pred, target)
    manual = 1.7 * ((pred - target)**2).sum() / pred.numel()
    value = EmotionMSELoss(loss_weight=1.7)(pred, target)
    torch.testing.assert_close(value, expected)
    torch.testing.assert_close(value, manual)


def test_zero_when_prediction_is_exact():
    assert EmotionMSELoss()(TARGET.clone(), TARGET).item() == 0.0


@pytest.mark.parametrize('pred_shape, target_shape', [
    ((2, 2), (2, 1)),  # would broadcast in F.mse_loss
    ((2, 1), (2, 2)),
    ((4, ), (2, 2)),
    ((2, 2), (3, 2)),
    ((2, ), (2, 1)),
])
def test_shape_mismatch_raises_value_error(pred_shape, target_shape):
    with pytest.raises(ValueError, match='one shape'):
        EmotionMSELoss()(torch.zeros(pred_shape), torch.zeros(target_shape))


def test_target_of_other_dtype_is_cast_to_prediction_dtype():
    target_int = torch.tensor([[0, 2], [5, 1]])
    value = EmotionMSELoss()(PRED, target_int)
    assert value.dtype == torch.float32
    assert value.item() == pytest.approx(HAND_MSE)
    value64 = EmotionMSELoss()(PRED, TARGET.double())
    assert value64.dtype == torch.float32
    assert value64.item() == pytest.approx(HAND_MSE)


def test_gradient_is_weighted_two_times_error_over_numel():
    pred = PRED.clone().requires_grad_(True)
    EmotionMSELoss(loss_weight=2.0)(pred, TARGET).backward()
    # d/dpred of w * mean((pred - t)^2) = w * 2 * (pred - t) / numel
    # errors [[1, 0], [-2, 3]], w = 2, numel = 4 -> errors themselves.
    expected = torch.tensor([[1.0, 0.0], [-2.0, 3.0]])
    torch.testing.assert_close(pred.grad, expected)
    assert TARGET.grad is None
