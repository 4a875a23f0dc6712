"""Tests of ``emovid_mm.models.heads.EmotionRegressionHead``, alone and in
MMAction2's ``Recognizer2D`` / ``Recognizer3D``."""
import math

import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import DefaultScope

import emovid_mm  # noqa: F401  (registers the head and the loss)
from emovid_mm.models.heads import EmotionRegressionHead
from emovid_mm.models.losses import EmotionMSELoss


def make_head(**kwargs) -> EmotionRegressionHead:
    kwargs.setdefault('in_channels', 2)
    kwargs.setdefault('dropout_ratio', 0.0)
    return EmotionRegressionHead(**kwargs)


def linears(head):
    return [m for m in head.fcs if isinstance(m, nn.Linear)]


def set_linear(layer: nn.Linear, weight, bias) -> None:
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(weight, dtype=torch.float32))
        layer.bias.copy_(torch.as_tensor(bias, dtype=torch.float32))


def samples_with(values):
    out = []
    for v in values:
        sample = ActionDataSample()
        sample.set_field(torch.tensor(v, dtype=torch.float32), 'gt_values')
        out.append(sample)
    return out


# A 2x2 spatial pattern with mean 0: it must vanish in the spatial average.
PATTERN = torch.tensor([[-1.0, 1.0], [2.0, -2.0]])


def maps(values):
    """(N*S, C, 2, 2) maps whose spatial means are ``values``
    ``(N*S, C)``."""
    values = torch.as_tensor(values, dtype=torch.float32)
    return values[:, :, None, None] + PATTERN


# ---------------------------------------------------------------- building


def test_build_from_registry():
    head = MODELS.build(
        dict(
            type='EmotionRegressionHead',
            in_channels=16,
            targets=('arousal', ),
            hidden_channels=(8, ),
            dropout_ratio=0.3,
            output_offset=3.0,
            loss=dict(type='EmotionMSELoss', loss_weight=2.0)))
    assert isinstance(head, EmotionRegressionHead)
    assert head.targets == ('arousal', )
    assert head.num_targets == 1
    assert isinstance(head.loss_module, EmotionMSELoss)
    assert head.loss_module.loss_weight == 2.0
    assert [(m.in_features, m.out_features)
            for m in linears(head)] == [(16, 8), (8, 1)]
    assert head.output_offset.tolist() == [3.0]


def test_default_is_single_linear_layer_with_two_targets():
    head = EmotionRegressionHead(in_channels=32)
    assert head.targets == ('valence', 'arousal')
    assert [type(m) for m in head.fcs] == [nn.Dropout, nn.Linear]
    assert head.fcs[0].p == 0.5
    assert (head.fcs[1].in_features, head.fcs[1].out_features) == (32, 2)
    assert isinstance(head.loss_module, EmotionMSELoss)


def test_hidden_channels_give_three_linear_layers_with_relu_between():
    head = EmotionRegressionHead(
        in_channels=16, hidden_channels=(8, 8), dropout_ratio=0.5)
    assert [(m.in_features, m.out_features)
            for m in linears(head)] == [(16, 8), (8, 8), (8, 2)]
    assert [type(m) for m in head.fcs] == [
        nn.Dropout, nn.Linear, nn.ReLU, nn.Dropout, nn.Linear, nn.ReLU,
        nn.Dropout, nn.Linear
    ]
    out = head(torch.randn(3, 16))
    assert out.shape == (3, 2)


def test_no_dropout_layers_when_ratio_is_zero():
    head = make_head(in_channels=16, hidden_channels=(8, 8))
    assert [type(m) for m in head.fcs
            ] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]


def test_relu_between_hidden_layers_is_applied():
    head = make_head(hidden_channels=(2, ))
    first, last = linears(head)
    set_linear(first, [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    set_linear(last, [[2.0, 3.0], [4.0, 5.0]], [0.0, 0.0])
    # hidden = relu([1, -1]) = [1, 0] -> [2, 4]; without ReLU [-1, -1].
    out = head(torch.tensor([[1.0, -1.0]]))
    torch.testing.assert_close(out, torch.tensor([[2.0, 4.0]]))


def test_default_init_is_normal_with_init_std_and_zero_bias():
    torch.manual_seed(0)
    for std in (0.01, 0.1):
        head = EmotionRegressionHead(in_channels=2048, init_std=std)
        head.init_weights()
        fc = linears(head)[0]
        assert fc.bias.abs().max().item() == 0.0
        # 4096 draws: the sample std is within a few percent of ``std``.
        assert fc.weight.std().item() == pytest.approx(std, rel=0.05)
        assert abs(fc.weight.mean().item()) < std * 0.1


# ----------------------------------------------------------------- forward


@pytest.mark.parametrize('shape, kwargs, expected', [
    ((6, 4, 3, 3), dict(num_segs=3), (2, 2)),
    ((6, 4, 3, 3), dict(num_segs=1), (6, 2)),
    ((6, 4, 3, 3), dict(), (6, 2)),
    ((4, 4, 2, 3, 3), dict(), (4, 2)),
    ((5, 4), dict(), (5, 2)),
    ((8, 4), dict(num_segs=4), (2, 2)),
])
def test_forward_output_shapes(shape, kwargs, expected):
    head = make_head(in_channels=4)
    out = head(torch.randn(shape), **kwargs)
    assert out.shape == expected
    assert out.dtype == torch.float32


def test_2d_consensus_equals_hand_computed_mean():
    head = make_head()
    set_linear(linears(head)[0], [[1.0, 2.0], [0.0, -1.0]], [0.5, -0.5])
    # Spatial means (N=2 samples x S=2 segments, C=2):
    # sample 0: (1, 10), (3, 20) -> mean (2, 15)
    # sample 1: (-2, 0), (4, 6)  -> mean (1, 3)
    feats = maps([[1, 10], [3, 20], [-2, 0], [4, 6]])
    # W @ (2, 15) + b = (2 + 30 + 0.5, -15 - 0.5)
    # W @ (1, 3) + b  = (1 + 6 + 0.5, -3 - 0.5)
    expected = torch.tensor([[32.5, -15.5], [7.5, -3.5]])
    torch.testing.assert_close(head(feats, num_segs=2), expected)


def test_2d_without_consensus_is_per_frame():
    head = make_head()
    set_linear(linears(head)[0], [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    feats = maps([[1, 10], [3, 20]])
    torch.testing.assert_close(
        head(feats), torch.tensor([[1.0, 10.0], [3.0, 20.0]]))


def test_3d_features_are_averaged_over_time_and_space():
    head = make_head()
    set_linear(linears(head)[0], [[1.0, 0.0], [1.0, 1.0]], [0.0, 1.0])
    # (N*V=2, C=2, T=2, H=1, W=2)
    feats = torch.tensor([
        [[[[1.0, 3.0]], [[5.0, 7.0]]], [[[0.0, 0.0]], [[0.0, 8.0]]]],
        [[[[-4.0, 0.0]], [[2.0, 2.0]]], [[[1.0, 1.0]], [[1.0, 1.0]]]],
    ])
    # means: view 0 -> (4, 2), view 1 -> (0, 1)
    # W @ m + b: (4, 4 + 2 + 1), (0, 0 + 1 + 1)
    expected = torch.tensor([[4.0, 7.0], [0.0, 2.0]])
    torch.testing.assert_close(head(feats), expected)


def test_pooled_features_go_straight_to_the_linear_layer():
    head = make_head()
    set_linear(linears(head)[0], [[2.0, -1.0], [0.5, 0.5]], [1.0, 0.0])
    out = head(torch.tensor([[3.0, 4.0], [0.0, -2.0]]))
    torch.testing.assert_close(out, torch.tensor([[3.0, 3.5], [3.0, -1.0]]))


@pytest.mark.parametrize('offset, expected', [
    (3.0, [3.0, 3.0]),
    ((3.0, 1.0), [3.0, 1.0]),
    ([2.5, -1.0], [2.5, -1.0]),
])
def test_output_offset_is_added_per_target(offset, expected):
    head = make_head(output_offset=offset)
    fc = linears(head)[0]
    set_linear(fc, [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    x = torch.tensor([[1.0, 2.0], [-1.0, 5.0]])
    torch.testing.assert_close(head(x), x + torch.tensor(expected))
    # Saved with the model's weights.
    assert head.state_dict()['output_offset'].tolist() == expected


def test_dropout_is_off_in_eval_mode():
    torch.manual_seed(0)
    head = make_head(in_channels=8, hidden_channels=(8, ), dropout_ratio=0.5)
    twin = make_head(in_channels=8, hidden_channels=(8, ), dropout_ratio=0.0)
    for a, b in zip(linears(head), linears(twin)):
        set_linear(b, a.weight, a.bias)
    x = torch.randn(4, 8)
    head.eval()
    torch.testing.assert_close(head(x), twin(x))
    head.train()
    torch.manual_seed(1)
    assert not torch.allclose(head(x), twin(x))


@pytest.mark.parametrize('shape', [(2, 3), (2, 3, 4, 4), (2, 3, 2, 4, 4),
                                   (2, 2, 1), (2, )])
def test_wrong_feature_shape_raises_value_error(shape):
    with pytest.raises(ValueError, match='2 channels'):
        make_head()(torch.zeros(shape))


# ------------------------------------------------ test-time view averaging


def test_predict_values_averages_views_without_softmax():
    head = make_head()
    set_linear(linears(head)[0], [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    # 2 samples x 3 views, pooled.
    feats = torch.tensor([[1.0, 10.0], [2.0, 20.0], [6.0, 30.0],
                          [-3.0, 0.0], [0.0, 0.0], [0.0, 9.0]])
    expected = torch.tensor([[3.0, 20.0], [-1.0, 3.0]])
    torch.testing.assert_close(head.predict_values(feats, 2), expected)


def test_predict_values_is_mean_of_per_view_outputs():
    torch.manual_seed(0)
    head = make_head(in_channels=6, hidden_channels=(5, ),
                     output_offset=(3.0, 2.0))
    feats = torch.randn(8, 6, 2, 3, 3)  # 2 samples x 4 views, 3D
    per_view = head(feats)
    expected = torch.stack(
        [sum(per_view[4 * i + v] for v in range(4)) / 4 for i in range(2)])
    torch.testing.assert_close(head.predict_values(feats, 2), expected)


def test_predict_values_with_segments_and_views_2d():
    head = make_head()
    set_linear(linears(head)[0], [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    # 1 sample, num_segs=2 frames per view, 2 views (4 frames).
    feats = maps([[1, 0], [3, 0], [10, 4], [20, 8]])
    out = head.predict_values(feats, 1, num_segs=2)
    # views: (2, 0) and (15, 6) -> (8.5, 3)
    torch.testing.assert_close(out, torch.tensor([[8.5, 3.0]]))


def test_predict_values_uneven_split_raises_value_error():
    with pytest.raises(ValueError, match='evenly'):
        make_head().predict_values(torch.zeros(5, 2), 2)


# -------------------------------------------------------------------- loss

FEATS = torch.tensor([[1.0, 2.0], [3.0, 5.0]])
GT = [[0.0, 2.0], [5.0, 1.0]]
# errors [[1, 0], [-2, 4]]: valence (1 + 4) / 2, arousal (0 + 16) / 2,
# all (1 + 0 + 4 + 16) / 4.
MSE_VALENCE, MSE_AROUSAL, MSE_ALL = 2.5, 8.0, 5.25


def identity_head(**kwargs):
    head = make_head(**kwargs)
    set_linear(linears(head)[0], [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    return head


def test_loss_equals_hand_computed_mse():
    losses = identity_head().loss(FEATS, samples_with(GT))
    assert set(losses) == {'loss_mse', 'mse_valence', 'mse_arousal'}
    assert losses['loss_mse'].item() == pytest.approx(MSE_ALL)
    assert losses['mse_valence'].item() == pytest.approx(MSE_VALENCE)
    assert losses['mse_arousal'].item() == pytest.approx(MSE_AROUSAL)


def test_loss_weight_scales_only_the_loss_not_the_logged_mse():
    head = identity_head(loss=dict(type='EmotionMSELoss', loss_weight=2.0))
    losses = head.loss(FEATS, samples_with(GT))
    assert losses['loss_mse'].item() == pytest.approx(2 * MSE_ALL)
    assert losses['mse_valence'].item() == pytest.approx(MSE_VALENCE)
    assert losses['mse_arousal'].item() == pytest.approx(MSE_AROUSAL)


def test_only_loss_mse_carries_gradient():
    losses = identity_head().loss(FEATS, samples_with(GT))
    assert losses['loss_mse'].requires_grad
    assert not losses['mse_valence'].requires_grad
    assert not losses['mse_arousal'].requires_grad


def test_loss_uses_view_average_and_num_segs():
    head = identity_head()
    # Each sample: 2 frames; spatial means average to FEATS rows.
    feats = maps([[0.0, 2.0], [2.0, 2.0], [3.0, 4.0], [3.0, 6.0]])
    losses = head.loss(feats, samples_with(GT), num_segs=2)
    assert losses['loss_mse'].item() == pytest.approx(MSE_ALL)
    # Same through views (pooled, 2 views per sample, no num_segs).
    pooled = torch.tensor([[0.0, 2.0], [2.0, 2.0], [3.0, 4.0], [3.0, 6.0]])
    losses = head.loss(pooled, samples_with(GT))
    assert losses['mse_valence'].item() == pytest.approx(MSE_VALENCE)
    assert losses['mse_arousal'].item() == pytest.approx(MSE_AROUSAL)


def test_loss_key_names_follow_targets():
    head = make_head(targets=('arousal', ))
    set_linear(linears(head)[0], [[0.0, 1.0]], [0.0])
    losses = head.loss(FEATS, samples_with([[2.0], [1.0]]))
    assert set(losses) == {'loss_mse', 'mse_arousal'}
    # preds 2, 5 vs 2, 1: (0 + 16) / 2
    assert losses['loss_mse'].item() == pytest.approx(8.0)
    assert losses['mse_arousal'].item() == pytest.approx(8.0)


@pytest.mark.parametrize('targets, values', [
    (('valence', 'arousal'), [[1.0], [2.0]]),
    (('valence', ), [[1.0, 2.0], [3.0, 4.0]]),
    (('valence', 'arousal'), [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]),
])
def test_targets_mismatch_raises_value_error(targets, values):
    head = make_head(targets=targets)
    with pytest.raises(ValueError, match='targets'):
        head.loss(FEATS, samples_with(values))


def test_gradients_reach_every_linear_layer():
    torch.manual_seed(0)
    head = EmotionRegressionHead(
        in_channels=6, hidden_channels=(8, 8), dropout_ratio=0.5)
    head.train()
    feats = torch.randn(4, 6, 3, 3)
    head.loss(feats, samples_with([[1.0, 4.0], [5.0, 2.0]]),
              num_segs=2)['loss_mse'].backward()
    for fc in linears(head):
        assert fc.weight.grad is not None
        assert fc.weight.grad.abs().sum().item() > 0
        assert fc.bias.grad.abs().sum().item() > 0


def test_gradient_of_single_layer_equals_hand_computed():
    head = identity_head()
    fc = linears(head)[0]
    head.loss(FEATS, samples_with(GT))['loss_mse'].backward()
    # dL/dW[k, c] = 2 / (N * K) * sum_n err[n, k] * x[n, c], err = pred - gt
    # err = [[1, 0], [-2, 4]], x = [[1, 2], [3, 5]], 2 / 4 = 0.5
    torch.testing.assert_close(fc.weight.grad,
                               torch.tensor([[-2.5, -4.0], [6.0, 10.0]]))
    torch.testing.assert_close(fc.bias.grad, torch.tensor([-0.5, 2.0]))


# ----------------------------------------------------------------- predict


def test_predict_sets_float_pred_values_and_leaves_labels_alone():
    head = identity_head(output_offset=(3.0, 0.0))
    samples = samples_with(GT)
    out = head.predict(FEATS.clone().requires_grad_(True), samples)
    assert out is samples
    expected = [[4.0, 2.0], [6.0, 5.0]]
    for sample, exp, gt in zip(out, expected, GT):
        assert sample.pred_values.dtype == torch.float32
        assert sample.pred_values.shape == (2, )
        assert not sample.pred_values.requires_grad
        assert sample.pred_values.tolist() == exp
        assert sample.gt_values.tolist() == gt
        for key in ('gt_labels', 'gt_label', 'pred_scores', 'pred_labels',
                    'pred_score', 'pred_label'):
            assert key not in sample, key
        assert set(sample.keys()) == {'gt_values', 'pred_values'}


def test_predict_single_target_shape():
    head = make_head(targets=('valence', ))
    out = head.predict(torch.randn(6, 2), samples_with([[1.0], [2.0]]))
    assert [s.pred_values.shape for s in out] == [(1, ), (1, )]


# ----------------------------------------------- inside MMAction2 recognizers


def build_model(cfg):
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(cfg)


@pytest.fixture(scope='module')
def recognizer2d():
    torch.manual_seed(0)
    return build_model(
        dict(
            type='Recognizer2D',
            backbone=dict(type='ResNet', depth=18, pretrained=None),
            cls_head=dict(
                type='EmotionRegressionHead',
                in_channels=512,
                dropout_ratio=0.2,
                output_offset=3.0),
            data_preprocessor=dict(
                type='ActionDataPreprocessor', format_shape='NCHW')))


@pytest.fixture(scope='module')
def recognizer3d():
    torch.manual_seed(0)
    return build_model(
        dict(
            type='Recognizer3D',
            backbone=dict(
                type='ResNet3d',
                depth=18,
                base_channels=8,
                pretrained=None,
                pretrained2d=False),
            cls_head=dict(
                type='EmotionRegressionHead',
                in_channels=64,
                dropout_ratio=0.2,
                output_offset=3.0),
            data_preprocessor=dict(
                type='ActionDataPreprocessor', format_shape='NCTHW')))


GT_RECOGNIZER = [[2.0, 3.5], [4.0, 1.5]]


def batch(shape, training, model):
    gen = torch.Generator().manual_seed(1)
    inputs = [
        torch.randint(0, 256, shape, generator=gen, dtype=torch.uint8)
        for _ in GT_RECOGNIZER
    ]
    data = dict(inputs=inputs, data_samples=samples_with(GT_RECOGNIZER))
    return model.data_preprocessor(data, training=training)


def test_recognizer2d_loss(recognizer2d):
    model = recognizer2d
    model.train()
    model.zero_grad()
    data = batch((3, 3, 32, 32), True, model)  # 2 samples x 3 segments
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_mse', 'mse_valence', 'mse_arousal'}
    assert math.isfinite(losses['loss_mse'].item())
    assert losses['loss_mse'].item() == pytest.approx(
        (losses['mse_valence'].item() + losses['mse_arousal'].item()) / 2,
        rel=1e-5)
    # MMEngine sums only the keys with 'loss' in their name.
    total, log_vars = model.parse_losses(losses)
    assert total.item() == pytest.approx(losses['loss_mse'].item())
    assert {'loss', 'loss_mse', 'mse_valence', 'mse_arousal'} <= set(log_vars)
    total.backward()
    assert model.cls_head.fcs[-1].weight.grad.abs().sum() > 0
    assert model.backbone.conv1.conv.weight.grad.abs().sum() > 0


@pytest.mark.parametrize('frames', [3, 6])  # 1 or 2 views of 3 segments
def test_recognizer2d_predict(recognizer2d, frames):
    model = recognizer2d
    model.eval()
    data = batch((frames, 3, 32, 32), False, model)
    with torch.no_grad():
        out = model(**data, mode='predict')
        # By hand: backbone per frame, spatial and frame mean, Linear.
        feats = model.backbone(data['inputs'].flatten(0, 1))
        pooled = feats.mean((2, 3)).view(2, frames, 512).mean(1)
        fc = model.cls_head.fcs[-1]
        expected = pooled @ fc.weight.T + fc.bias + 3.0
    assert len(out) == 2
    for sample, exp, gt in zip(out, expected, GT_RECOGNIZER):
        assert sample.pred_values.shape == (2, )
        assert sample.pred_values.dtype == torch.float32
        torch.testing.assert_close(sample.pred_values, exp)
        assert sample.gt_values.tolist() == gt
        assert 'gt_labels' not in sample and 'pred_scores' not in sample


def test_recognizer3d_loss(recognizer3d):
    model = recognizer3d
    model.train()
    model.zero_grad()
    data = batch((1, 3, 2, 16, 16), True, model)  # 1 clip of 2 frames
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_mse', 'mse_valence', 'mse_arousal'}
    assert math.isfinite(losses['loss_mse'].item())
    losses['loss_mse'].backward()
    assert model.cls_head.fcs[-1].weight.grad.abs().sum() > 0


def test_recognizer3d_predict_averages_views(recognizer3d):
    model = recognizer3d
    model.eval()
    data = batch((2, 3, 2, 16, 16), False, model)  # 2 views per sample
    with torch.no_grad():
        out = model(**data, mode='predict')
        feats = model.backbone(data['inputs'].flatten(0, 1))
        per_view = model.cls_head(feats)
        expected = (per_view[0::2] + per_view[1::2]) / 2
    assert len(out) == 2
    for sample, exp in zip(out, expected):
        assert sample.pred_values.shape == (2, )
        torch.testing.assert_close(sample.pred_values, exp)
