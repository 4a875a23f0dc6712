"""RecognizerAudioVisual over the plugin's visual recognizers (ECO Lite and
Full, TSN, R(2+1)D) and AudioCNN / ResNetAudio, on tiny clips."""
import pytest
import torch
from mmaction.apis import init_recognizer
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from conftest import REPO
from emovid_mm.models.backbones import AudioCNN, BNInception, ECOResNet3d

# name: (model base, input layout, visual feature channels Dv)
VISUAL = {
    'eco_lite': ('eco_lite', 'NCHW', 512),
    'eco_full': ('eco_full', 'NCHW', 1536),
    'tsn': ('tsn_bninception', 'NCHW', 1024),
    'r2plus1d': ('r2plus1d_r18', 'NCTHW', 512),
}
MELS, MEL_FRAMES, SEGMENTS = 16, 24, 4
AUDIO = dict(type='AudioCNN', n_mels=MELS, channels=(8, 16))
DA = 16
SIZE = 32


def visual_cfg(name, frames):
    """The visual model of a base config, without head and preprocessor."""
    cfg = Config.fromfile(REPO / f'configs/_base_/models/'
                          f'{VISUAL[name][0]}.py').model
    cfg.pop('cls_head')
    cfg.pop('data_preprocessor')
    if 'num_segments' in cfg:
        cfg.num_segments = frames
    return cfg


def preprocessor(layout='NCHW', keys=('imgs', 'audio_mel')):
    preprocessors = dict(
        imgs=dict(
            type='ActionDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            format_shape=layout),
        audio_mel=dict(type='ActionDataPreprocessor', format_shape='NCHW'))
    return dict(
        type='MultiModalDataPreprocessor',
        preprocessors={k: preprocessors[k]
                       for k in keys})


def fused(name='eco_lite', frames=4, audio=AUDIO, audio_dim=DA, **kwargs):
    """An initialised RecognizerAudioVisual; ``name=None`` is audio-only."""
    visual_dim = VISUAL[name][2] if name else 0
    keys = ('imgs', ) * bool(name) + ('audio_mel', ) * bool(audio)
    model = MODELS.build(
        dict(
            type='RecognizerAudioVisual',
            visual=visual_cfg(name, frames) if name else None,
            audio_backbone=audio,
            cls_head=dict(
                type='EmotionRegressionHead',
                in_channels=visual_dim + (audio_dim if audio else 0),
                output_offset=3.0),
            data_preprocessor=preprocessor(VISUAL[name][1] if name else 'NCHW',
                                           keys),
            **kwargs))
    model.init_weights()
    return model


def batch(model,
          num_samples=2,
          frames=4,
          views=1,
          audio_missing=(),
          training=False,
          seed=0):
    """Preprocessed random clips for ``model``: frames of the layout of its
    visual branch, ``SEGMENTS`` log-mel segments."""
    gen = torch.Generator().manual_seed(seed)
    inputs = {}
    if model.visual is not None:
        layout = model.data_preprocessor.preprocessors['imgs'].format_shape
        shape = ((views * frames, 3, SIZE, SIZE) if layout == 'NCHW' else
                 (views, 3, frames, SIZE, SIZE))
        inputs['imgs'] = [
            torch.randint(0, 256, shape, generator=gen, dtype=torch.uint8)
            for _ in range(num_samples)
        ]
    if model.audio_backbone is not None:
        inputs['audio_mel'] = [
            torch.randn(SEGMENTS, 1, MELS, MEL_FRAMES, generator=gen) * 20 - 40
            for _ in range(num_samples)
        ]
    samples = []
    for i in range(num_samples):
        sample = ActionDataSample()
        sample.set_field(torch.rand(2, generator=gen) * 4 + 1, 'gt_values')
        if i in audio_missing:
            sample.set_metainfo(dict(audio_missing=True))
        samples.append(sample)
    return model.data_preprocessor(
        dict(inputs=inputs, data_samples=samples), training=training)


def split(feats, visual_dim):
    return feats[:, :visual_dim], feats[:, visual_dim:]


# ------------------------------------------------------------------ shapes


@pytest.mark.parametrize('frames', [4, 8, 16])
@pytest.mark.parametrize('name', list(VISUAL))
def test_shapes_with_two_test_views(name, frames):
    model = fused(name, frames).eval()
    data = batch(model, num_samples=2, frames=frames, views=2)
    with torch.no_grad():
        feats = model(**data, mode='tensor')
        heads = model(**data, mode='tensor', stage='head')
        preds = model(**data, mode='predict')
    # TSN's consensus averages all frames of a sample, views included.
    views = 1 if name == 'tsn' else 2
    assert feats.shape == (2 * views, VISUAL[name][2] + DA)
    assert heads.shape == (2 * views, 2)
    for i, sample in enumerate(preds):
        assert sample.pred_values.shape == (2, )
        torch.testing.assert_close(sample.pred_values,
                                   heads[i * views:(i + 1) * views].mean(0))
    # The audio features of a sample are the same for its views.
    _, audio = split(feats, VISUAL[name][2])
    assert torch.equal(audio[0], audio[views - 1])
    assert not torch.equal(audio[0], audio[views])


@pytest.mark.parametrize('name', list(VISUAL))
def test_visual_features_are_those_of_the_visual_recognizer(name):
    """The visual recognizer's own extract_feat and the head's pooling."""
    model = fused(name, 4).eval()
    data = batch(model)
    with torch.no_grad():
        visual, _ = split(model(**data, mode='tensor'), VISUAL[name][2])
        own, kwargs = model.visual.extract_feat(
            data['inputs']['imgs'], test_mode=True)
        own = own.flatten(2).mean(-1) if own.dim() > 2 else own
        if kwargs.get('num_segs'):
            own = own.view(2, -1, own.shape[1]).mean(1)
    torch.testing.assert_close(visual, own)


@pytest.mark.parametrize('segments', [None, 1, 3])
def test_audio_features_average_the_segments(segments):
    model = fused(None).eval()
    torch.manual_seed(0)
    shape = (2, 1, MELS, MEL_FRAMES)
    mel = (
        torch.randn(shape) if segments is None else torch.randn((2, segments) +
                                                                shape[1:]))
    with torch.no_grad():
        feats = model({'audio_mel': mel})
        maps = model.audio_backbone(mel.reshape((-1, ) + shape[1:]))
    expected = maps.mean((2, 3)).view(2, -1, DA).mean(1)
    torch.testing.assert_close(feats, expected)


# ---------------------------------------------------------------- training


@pytest.mark.parametrize('name', list(VISUAL))
def test_gradients_reach_both_branches(name):
    model = fused(name, 4).train()
    data = batch(model, num_samples=2, frames=4, training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_mse', 'mse_valence', 'mse_arousal'}
    assert torch.isfinite(losses['loss_mse'])
    losses['loss_mse'].backward()
    visual_backbone = model.visual.backbone
    first_visual = next(visual_backbone.parameters())
    assert first_visual.dim() in (4, 5) and first_visual.shape[1] == 3
    assert first_visual.grad is not None
    assert first_visual.grad.abs().sum() > 0
    first_audio = model.audio_backbone.block1[0].conv.weight
    assert first_audio.grad is not None and first_audio.grad.abs().sum() > 0


def test_train_step_updates_both_branches():
    """What tools/train.py runs: data preprocessor, loss, optimizer."""
    from mmengine.optim import build_optim_wrapper
    model = fused('eco_lite', 4).train()
    wrapper = build_optim_wrapper(
        model, dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)))
    raw = batch(model)  # preprocessed; train_step preprocesses again
    data = dict(
        inputs={
            k: list(v)
            for k, v in raw['inputs'].items()
        },
        data_samples=raw['data_samples'])
    visual = model.visual.backbone_3d.res3[0].conv2.weight.detach().clone()
    audio = model.audio_backbone.block2[0].conv.weight.detach().clone()
    log = model.train_step(data, wrapper)
    assert torch.isfinite(log['loss_mse'])
    assert not torch.equal(visual,
                           model.visual.backbone_3d.res3[0].conv2.weight)
    assert not torch.equal(audio, model.audio_backbone.block2[0].conv.weight)


def test_init_weights_initialises_both_branches(monkeypatch):
    calls = []

    def spy(cls):
        original = cls.init_weights

        def init_weights(self):
            calls.append(cls.__name__)
            original(self)

        monkeypatch.setattr(cls, 'init_weights', init_weights)

    for cls in (BNInception, ECOResNet3d, AudioCNN):
        spy(cls)
    model = fused('eco_full', 4)
    # ECO Full: the trunk and the 2D branch, the 3D part, the audio CNN.
    assert sorted(calls) == [
        'AudioCNN', 'BNInception', 'BNInception', 'ECOResNet3d'
    ]
    assert model.visual.backbone.is_init and model.audio_backbone.is_init
    assert model.cls_head.is_init


# -------------------------------------------------------- modality dropout


def branch_zero(feats, visual_dim):
    visual, audio = split(feats, visual_dim)
    return (visual == 0).all(1), (audio == 0).all(1)


def test_no_modality_dropout_keeps_every_feature():
    model = fused('eco_lite', 4, modality_dropout=0.0).train()
    data = batch(model, num_samples=8, training=True)
    with torch.no_grad():
        feats = model(**data, mode='tensor')
        again = model(**data, mode='tensor')
    assert torch.equal(feats, again)
    no_visual, no_audio = branch_zero(feats, 512)
    assert not no_visual.any() and not no_audio.any()


def test_full_modality_dropout_drops_exactly_one_branch_per_sample():
    torch.manual_seed(0)
    model = fused('eco_lite', 4, modality_dropout=1.0).train()
    data = batch(model, num_samples=16, training=True)
    with torch.no_grad():
        no_visual, no_audio = branch_zero(model(**data, mode='tensor'), 512)
    assert torch.equal(no_visual, ~no_audio)
    assert no_visual.any() and no_audio.any()  # both branches get dropped


def test_modality_dropout_drops_samples_with_its_probability():
    torch.manual_seed(0)
    model = fused('eco_lite', 4, modality_dropout=0.25).train()
    data = batch(model, num_samples=8, training=True)
    dropped = 0
    with torch.no_grad():
        for _ in range(10):
            no_visual, no_audio = branch_zero(
                model(**data, mode='tensor'), 512)
            assert not (no_visual & no_audio).any()
            dropped += int((no_visual | no_audio).sum())
    assert 8 <= dropped <= 35  # 20 expected of 80 (binomial, p=0.25)


def test_modality_dropout_is_off_in_eval_mode():
    model = fused('eco_lite', 4, modality_dropout=1.0).eval()
    data = batch(model, num_samples=8)
    with torch.no_grad():
        no_visual, no_audio = branch_zero(model(**data, mode='tensor'), 512)
        preds = model(**data, mode='predict')
        again = model(**data, mode='predict')
    assert not no_visual.any() and not no_audio.any()
    for a, b in zip(preds, again):
        assert torch.equal(a.pred_values, b.pred_values)


def test_modality_dropout_keeps_the_frames_of_a_clip_without_sound():
    torch.manual_seed(0)
    model = fused('eco_lite', 4, modality_dropout=1.0).train()
    data = batch(model, num_samples=8, audio_missing=range(8), training=True)
    with torch.no_grad():
        no_visual, no_audio = branch_zero(model(**data, mode='tensor'), 512)
    assert not no_visual.any() and no_audio.all()


# ----------------------------------------------------------- audio_missing


@pytest.mark.parametrize('training', [False, True])
def test_audio_missing_zeroes_the_audio_features(training):
    model = fused('eco_lite', 4).train(training)
    data = batch(model, num_samples=3, audio_missing=(1, ), training=training)
    with torch.no_grad():
        no_visual, no_audio = branch_zero(model(**data, mode='tensor'), 512)
    assert no_audio.tolist() == [False, True, False]
    assert not no_visual.any()


def test_audio_missing_predicts_as_zero_audio_features():
    model = fused('eco_lite', 4).eval()
    data = batch(model, num_samples=2, views=2, audio_missing=(0, ))
    other = batch(model, num_samples=2, views=2, audio_missing=(0, ), seed=1)
    other['inputs']['imgs'] = data['inputs']['imgs']  # other sound only
    with torch.no_grad():
        preds = model(**data, mode='predict')
        visual = model.visual.extract_feat(
            data['inputs']['imgs'], test_mode=True)[0]
        silent = model.cls_head.predict_values(
            torch.cat([visual, visual.new_zeros(4, DA)], 1), 2)
        audible = model.cls_head.predict_values(
            torch.cat([
                visual,
                model.extract_audio_feat(
                    data['inputs']['audio_mel']).repeat_interleave(2, 0)
            ], 1), 2)
        preds_other = model(**other, mode='predict')
    torch.testing.assert_close(preds[0].pred_values, silent[0])
    torch.testing.assert_close(preds[1].pred_values, audible[1])
    assert not torch.allclose(silent[1], audible[1])
    # The sound of a clip without sound does not matter.
    torch.testing.assert_close(preds_other[0].pred_values,
                               preds[0].pred_values)
    assert not torch.allclose(preds_other[1].pred_values, preds[1].pred_values)


# ------------------------------------------------------- one branch only


@pytest.mark.parametrize('audio,dim', [
    (AUDIO, DA),
    (dict(
        type='ResNetAudio',
        depth=50,
        pretrained=None,
        in_channels=1,
        norm_eval=False), 1024),
])
def test_audio_only(audio, dim):
    model = fused(None, audio=audio, audio_dim=dim).train()
    assert model.visual is None
    data = batch(model, num_samples=2, training=True)
    assert list(data['inputs']) == ['audio_mel']
    losses = model(**data, mode='loss')
    losses['loss_mse'].backward()
    first = next(model.audio_backbone.parameters())
    assert first.grad is not None and first.grad.abs().sum() > 0
    model.eval()
    data = batch(model, num_samples=2)
    with torch.no_grad():
        assert model(**data, mode='tensor').shape == (2, dim)
        preds = model(**data, mode='predict')
    assert preds[1].pred_values.shape == (2, )


def test_visual_only():
    model = fused('r2plus1d', 4, audio=None).eval()
    assert model.audio_backbone is None
    data = batch(model, num_samples=2, views=2, audio_missing=(0, ))
    assert list(data['inputs']) == ['imgs']
    with torch.no_grad():
        feats = model(**data, mode='tensor')
        preds = model(**data, mode='predict')
    assert feats.shape == (4, 512)
    assert not branch_zero(feats, 512)[0].any()
    assert preds[0].pred_values.shape == (2, )
    model.train()
    losses = model(**batch(model, training=True), mode='loss')
    losses['loss_mse'].backward()
    assert next(model.visual.backbone.parameters()).grad.abs().sum() > 0


def test_init_recognizer_and_a_checkpoint_round_trip(tmp_path):
    """mmaction's init_recognizer builds it from a config and loads its
    checkpoint."""
    model = fused('eco_lite', 4).eval()
    cfg = Config(
        dict(
            model=dict(
                type='RecognizerAudioVisual',
                visual=visual_cfg('eco_lite', 4),
                audio_backbone=AUDIO,
                cls_head=dict(
                    type='EmotionRegressionHead', in_channels=512 + DA),
                modality_dropout=0.5,
                data_preprocessor=preprocessor())))
    checkpoint = tmp_path / 'model.pth'
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    loaded = init_recognizer(cfg, str(checkpoint), device='cpu')
    assert loaded.cfg is cfg and not loaded.training
    data = batch(model, views=2)
    with torch.no_grad():
        expected = model(**data, mode='predict')
        got = loaded(**data, mode='predict')
    for a, b in zip(expected, got):
        torch.testing.assert_close(a.pred_values, b.pred_values)


def test_test_cfg_goes_to_the_visual_recognizer():
    model = fused('r2plus1d', 4, test_cfg=dict(max_testing_views=1)).eval()
    assert model.visual.test_cfg == dict(max_testing_views=1)
    data = batch(model, num_samples=1, views=2)
    with torch.no_grad():
        assert model(**data, mode='predict')[0].pred_values.shape == (2, )


# ----------------------------------------------------------------- errors


def build(**kwargs):
    return MODELS.build(dict(type='RecognizerAudioVisual', **kwargs))


def test_no_branch_raises_value_error():
    with pytest.raises(ValueError, match='got neither'):
        build()


@pytest.mark.parametrize('kwargs,branch', [
    (dict(audio_backbone=AUDIO), 'audio'),
    (dict(
        visual=dict(
            type='Recognizer2D',
            backbone=dict(type='BNInception', last_stage='stem'))), 'visual'),
])
def test_modality_dropout_with_one_branch_raises_value_error(kwargs, branch):
    with pytest.raises(
            ValueError, match=f'modality_dropout=0.5 .* only its {branch}'):
        build(modality_dropout=0.5, **kwargs)


@pytest.mark.parametrize('p', [-0.1, 1.5])
def test_modality_dropout_out_of_range_raises_value_error(p):
    with pytest.raises(ValueError, match='probability'):
        build(audio_backbone=AUDIO, modality_dropout=p)


@pytest.mark.parametrize('part', ['cls_head', 'data_preprocessor'])
def test_visual_with_head_or_preprocessor_raises_value_error(part):
    visual = Config.fromfile(REPO / 'configs/_base_/models/eco_lite.py').model
    if part == 'cls_head':
        visual.pop('data_preprocessor')
    else:
        visual.pop('cls_head')
    with pytest.raises(ValueError, match=f'RecognizerECO.*has a {part}'):
        build(visual=visual, audio_backbone=AUDIO)


@pytest.mark.parametrize('inputs,key,got', [
    (dict(imgs=torch.zeros(1, 4, 3, SIZE, SIZE)), 'audio_mel', r"\['imgs'\]"),
    (torch.zeros(1, 4, 3, SIZE, SIZE), 'imgs', 'a Tensor, not a dict'),
])
def test_missing_input_key_raises_value_error(inputs, key, got):
    model = fused('eco_lite', 4).eval()
    with pytest.raises(
            ValueError,
            match=(rf"keys \('imgs', 'audio_mel'\), but '{key}' is "
                   rf'missing \(got {got}\).*collect_keys of the '
                   "pipeline's PackEmotionInputs")):
        with torch.no_grad():
            model(inputs)


def test_missing_audio_key_in_audio_only_model():
    model = fused(None).eval()
    with pytest.raises(ValueError, match="'audio_mel' is missing"):
        model(dict(imgs=torch.zeros(1, 4, 3, SIZE, SIZE)))


def test_wrong_mel_shape_raises_value_error():
    model = fused(None).eval()
    with pytest.raises(ValueError, match=r'\(N, S, 1, M, W\)'):
        model(dict(audio_mel=torch.zeros(2, MELS, MEL_FRAMES)))
    with pytest.raises(ValueError, match='n_mels'):
        model(dict(audio_mel=torch.zeros(2, 3, 1, 2 * MELS, MEL_FRAMES)))


def test_predict_without_head_raises_value_error():
    model = build(audio_backbone=AUDIO).eval()
    data = batch(model)
    assert model(**data, mode='tensor').shape == (2, DA)
    with pytest.raises(ValueError, match='no cls_head'):
        model(**data, mode='predict')


def test_invalid_mode_raises_runtime_error():
    model = fused(None)
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(batch(model)['inputs'], mode='features')
