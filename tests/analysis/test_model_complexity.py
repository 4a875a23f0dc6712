"""emovid_mm.analysis.model_complexity on small clips."""
import math

import mmengine
import pytest
import torch
from mmaction.registry import MODELS

from conftest import CONFIG, REPO
from emovid_mm.analysis import (analyse, build_model, clip_text, dummy_clip,
                                dummy_inputs, summary_table)
from emovid_mm.utils import audio_shape, clip_shape

ECO_LITE = str(REPO / 'configs/eco_lite_liris.py')
DEMO = str(REPO / 'configs/demo_liris.py')
AUDIO_VISUAL = str(
    REPO / 'configs/eco/eco_lite_bninception-audiocnn_1xb8-1x1x8-5fps-112px-'
    'adam-10e_liris-synthetic-sound-rgb-audio.py')
AUDIO = str(REPO / 'configs/tsn/tsn_audiocnn_1xb8-96x1x8-adam-10e_liris-'
            'synthetic-sound-audio.py')
SIZE = (64, 64)


@pytest.fixture(autouse=True)
def one_thread():
    """One thread: as fast for these small clips, and not slowed down by a
    busy second core."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def eco_lite():
    return analyse(ECO_LITE, 4, SIZE)


@pytest.fixture(scope='module')
def demo():
    return analyse(DEMO, 4, SIZE)


def built(config: str) -> torch.nn.Module:
    import emovid_mm  # noqa: F401
    return MODELS.build(mmengine.Config.fromfile(config).model)


@pytest.mark.parametrize(
    'config, report', [(ECO_LITE, 'eco_lite'), (DEMO, 'demo')],
    ids=['eco_lite', 'demo'])
def test_parameters_are_those_of_the_model(config, report, request):
    report = request.getfixturevalue(report)
    assert report.params == sum(p.numel() for p in built(config).parameters())


def test_eco_lite_parts_add_up(eco_lite):
    assert [p.label for p in eco_lite.parts] == ['2D trunk', '3D part', 'head']
    assert sum(p.params for p in eco_lite.parts) == eco_lite.params
    assert sum(p.flops for p in eco_lite.parts) == eco_lite.flops
    # The head's linear layer: 512 inputs x 2 targets multiply-adds.
    assert eco_lite.parts[-1].flops == 512 * 2
    assert sum(s.params for s in eco_lite.stages) == eco_lite.params


def test_defaults_are_the_clip_of_the_test_pipeline():
    assert build_model(ECO_LITE)[1:] == (8, (224, 224), 'NCHW', None)
    assert build_model(DEMO)[1:] == (8, (112, 112), 'NCHW', None)
    assert build_model(CONFIG)[1:] == (4, (32, 32), 'NCHW', None)
    assert build_model(CONFIG, size=(64, 48))[1:3] == (4, (64, 48))
    model, frames, size, *_ = build_model(ECO_LITE, 4)
    assert model.num_segments == frames == 4 and size == (224, 224)


def test_defaults_of_audio_models_are_their_frames_and_log_mel():
    assert build_model(AUDIO_VISUAL)[1:] == (8, (112, 112), 'NCHW', (8, 64,
                                                                     96))
    model, frames, size, *_ = build_model(AUDIO_VISUAL, 4, SIZE)
    assert model.visual.num_segments == frames == 4 and size == SIZE
    assert build_model(AUDIO)[1:] == (None, None, None, (8, 64, 96))
    with pytest.raises(ValueError, match='audio-only model: it takes no'):
        build_model(AUDIO, 4)


def test_clip_shape_reads_the_test_pipeline():
    cfg = mmengine.Config.fromfile(CONFIG)
    assert clip_shape(cfg) == (4, (32, 32))
    pipeline = cfg.test_dataloader.dataset.pipeline
    pipeline[1].update(num_segments=2, clip_len=3)  # SegmentSampleFrames
    assert clip_shape(cfg) == (6, (32, 32))
    pipeline.insert(4, dict(type='CenterCrop', crop_size=(40, 24)))
    assert clip_shape(cfg) == (6, (24, 40))


def test_a_pipeline_without_clip_shape_is_a_clear_error(tmp_path):
    config = tmp_path / 'no_sampler.py'
    config.write_text(f"_base_ = ['{CONFIG}']\n"
                      'test_dataloader = dict(dataset=dict(pipeline=[]))\n')
    with pytest.raises(ValueError, match='no_sampler.py: cannot read frames'):
        clip_shape(mmengine.Config.fromfile(str(config)))
    with pytest.raises(ValueError, match=r'--frames T --size H W'):
        build_model(str(config))
    assert build_model(str(config), 2, (32, 32))[1:3] == (2, (32, 32))


def test_audio_shape_reads_the_test_pipeline():
    cfg = mmengine.Config.fromfile(AUDIO_VISUAL)
    assert clip_shape(cfg) == (8, (112, 112))
    assert audio_shape(cfg) == (8, 64, 96)
    pipeline = cfg.test_dataloader.dataset.pipeline
    steps = [step['type'] for step in pipeline]
    pipeline[steps.index('LogMelSpectrogram')].n_mels = 40
    pipeline[steps.index('SegmentSampleMel')].update(
        num_segments=4, segment_frames=50)
    assert audio_shape(cfg) == (4, 40, 50)
    assert audio_shape(mmengine.Config.fromfile(CONFIG)) is None
    audio_only = mmengine.Config.fromfile(AUDIO)
    assert clip_shape(audio_only) is None
    assert audio_shape(audio_only) == (8, 64, 96)


def test_log_mel_segments_without_their_spectrogram_are_a_clear_error(
        tmp_path):
    config = tmp_path / 'no_mel.py'
    config.write_text(f"_base_ = ['{AUDIO}']\n"
                      "test_dataloader = dict(dataset=dict(pipeline=[\n"
                      "    dict(type='SegmentSampleMel')]))\n")
    with pytest.raises(ValueError, match='no_mel.py: .* no LogMelSpectrogram'):
        audio_shape(mmengine.Config.fromfile(str(config)))


@pytest.fixture(scope='module')
def audio_visual():
    return analyse(AUDIO_VISUAL, 4, SIZE)


@pytest.fixture(scope='module')
def audio():
    return analyse(AUDIO)


def test_audio_visual_parts_add_up(audio_visual, audio):
    labels = [p.label for p in audio_visual.parts]
    assert labels == ['2D trunk', '3D part', 'audio backbone', 'head']
    assert audio_visual.params == sum(
        p.numel() for p in built(AUDIO_VISUAL).parameters())
    assert sum(p.params for p in audio_visual.parts) == audio_visual.params
    assert sum(p.flops for p in audio_visual.parts) == audio_visual.flops
    assert sum(s.params for s in audio_visual.stages) == audio_visual.params
    parts = {p.label: p for p in audio_visual.parts}
    # 8 log-mel segments of 64 x 96 through AudioCNN, as in the audio-only
    # model; the head takes the 512 ECO Lite and 256 audio features.
    assert parts['audio backbone'].input_shape == str((8, 1, 64, 96))
    assert parts['audio backbone'].flops == audio.parts[0].flops > 0
    assert parts['head'].input_shape == str((1, 512 + 256))
    assert parts['head'].flops == (512 + 256) * 2
    assert parts['2D trunk'].input_shape == str((4, 3, *SIZE))


def test_audio_only_model(audio):
    assert (audio.frames, audio.size, audio.audio) == (None, None, (8, 64, 96))
    assert [p.label for p in audio.parts] == ['audio backbone', 'head']
    assert audio.params == sum(p.numel() for p in built(AUDIO).parameters())
    assert audio.flops == sum(p.flops for p in audio.parts)
    assert audio.parts[-1].flops == 256 * 2
    assert [s.name for s in audio.stages][-2:] == ['block4', 'cls_head']


def test_tables_and_text_of_audio_models(audio_visual, audio):
    table = summary_table([audio_visual, audio])
    assert '| 4 | 3x64x64 + 8x64x96 log-mel |' in table
    assert '| - | 8x64x96 log-mel |' in table
    assert clip_text(audio_visual) == (
        '4 frames of 3x64x64 and 8 log-mel segments of 64x96')
    assert clip_text(audio) == '8 log-mel segments of 64x96'


@pytest.mark.parametrize(
    'config, base', [(ECO_LITE, 'eco_lite'), (DEMO, 'demo')],
    ids=['eco_lite', 'demo'])
def test_flops_scale_with_frames_and_area(config, base, request):
    base = request.getfixturevalue(base)
    frames = analyse(config, 8, SIZE)
    area = analyse(config, 4, (128, 128))
    assert frames.flops / base.flops == pytest.approx(2, rel=0.1)
    assert area.flops / base.flops == pytest.approx(4, rel=0.1)
    assert frames.params == area.params == base.params


@pytest.mark.parametrize('frames', [4, 8])
def test_eco_lite_shapes(eco_lite, frames):
    report = eco_lite if frames == 4 else analyse(ECO_LITE, 8, SIZE)
    h, w = SIZE
    # The trunk maps each frame to the tap at 1/8 of the size, the 3D part
    # halves time and space twice (res4, res5).
    tap = (frames, 96, h // 8, w // 8)
    volume = (1, 96, frames, h // 8, w // 8)
    out_3d = (1, 512, math.ceil(frames / 4), h // 32, w // 32)
    parts = {p.label: p for p in report.parts}
    assert parts['2D trunk'].input_shape == str((frames, 3, h, w))
    assert parts['2D trunk'].output_shape == str(tap)
    assert parts['3D part'].input_shape == str(volume)
    assert parts['3D part'].output_shape == str(out_3d)
    assert parts['head'].input_shape == str((1, 512))
    assert parts['head'].output_shape == str((1, 2))
    stages = {s.name: s.output_shape for s in report.stages}
    assert stages['inception_3c (tap)'] == str(tap)
    assert stages['res3'] == str((1, 128, frames, h // 8, w // 8))
    assert stages['res4'] == str(
        (1, 256, math.ceil(frames / 2), h // 16, w // 16))
    assert stages['res5'] == str(out_3d)


def test_tsn_shapes_are_the_backbone_output(demo):
    model = built(DEMO).eval()
    with torch.no_grad():
        out = model.backbone(torch.zeros(4, 3, *SIZE))
    parts = {p.label: p for p in demo.parts}
    assert parts['backbone'].output_shape == str(tuple(out.shape))
    assert parts['head'].output_shape == str((1, 2))
    assert [s.name for s in demo.stages] == [
        'conv1', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'cls_head'
    ]
    assert demo.stages[-2].output_shape == str(tuple(out.shape))


def test_time_reports_seconds_and_threads():
    report = analyse(DEMO, 2, (32, 32), runs=2)
    assert report.seconds > 0
    assert report.threads == torch.get_num_threads() == 1


def test_missing_config_is_named():
    with pytest.raises(FileNotFoundError, match='no_such_config.py'):
        build_model('configs/no_such_config.py')


def test_inputs_of_audio_models():
    model = built(AUDIO_VISUAL)
    inputs = dummy_inputs(model, 4, SIZE, 'NCHW', (8, 64, 96))
    assert list(inputs) == ['imgs', 'audio_mel']
    assert inputs['imgs'].shape == (1, 4, 3, *SIZE)
    assert inputs['audio_mel'].shape == (1, 8, 1, 64, 96)
    inputs = dummy_inputs(built(AUDIO), None, None, None, (4, 40, 50))
    assert list(inputs) == ['audio_mel']
    assert inputs['audio_mel'].shape == (1, 4, 1, 40, 50)


def test_clip_layouts():
    assert dummy_clip(4, SIZE, 'NCHW').shape == (1, 4, 3, *SIZE)
    assert dummy_clip(4, SIZE, 'NCTHW').shape == (1, 1, 3, 4, *SIZE)
    with pytest.raises(ValueError, match='NCTHW'):
        dummy_clip(4, SIZE, 'NTCHW')
