import numpy as np
import pytest
import torch

from emovid_mm.datasets import LIRISACCEDEDataset
from emovid_mm.datasets.transforms import PackEmotionInputs


def results(**extra):
    return dict(
        imgs=np.zeros((4, 3, 8, 8), np.float32),
        audio_mel=np.ones((4, 1, 16, 32), np.float32),
        gt_values=np.array([2.5, 3.5]),
        gt_variances=np.array([0.1, 0.2]),
        filename='clip.mp4',
        **extra)


def test_default_packs_the_frames_as_a_tensor_and_float_targets():
    packed = PackEmotionInputs()(results())
    assert isinstance(packed['inputs'], torch.Tensor)
    assert packed['inputs'].shape == (4, 3, 8, 8)
    sample = packed['data_samples']
    assert sample.gt_values.dtype == torch.float32
    np.testing.assert_allclose(sample.gt_values.numpy(), [2.5, 3.5])
    np.testing.assert_allclose(sample.gt_variances.numpy(), [0.1, 0.2])


@pytest.mark.parametrize('keys', [('imgs', 'audio_mel'), ('audio_mel', )])
def test_collect_keys_pack_a_dict_of_inputs(keys):
    packed = PackEmotionInputs(collect_keys=keys)(results())
    assert set(packed['inputs']) == set(keys)
    assert packed['inputs']['audio_mel'].shape == (4, 1, 16, 32)
    assert packed['data_samples'].gt_values.dtype == torch.float32


@pytest.mark.parametrize('missing', [False, True])
def test_audio_missing_goes_to_the_metainfo(missing):
    sample = PackEmotionInputs(collect_keys=('audio_mel', ))(results(
        audio_missing=missing))['data_samples']
    assert sample.metainfo['audio_missing'] is missing
    assert sample.metainfo['filename'] == 'clip.mp4'


def test_audio_missing_is_absent_without_audio_decoding():
    sample = PackEmotionInputs()(results())['data_samples']
    assert 'audio_missing' not in sample.metainfo


def test_a_key_to_collect_that_the_pipeline_lacks_is_a_clear_error():
    data = results()
    del data['audio_mel']
    with pytest.raises(KeyError, match=r"clip.mp4: .* no \['audio_mel'\]"):
        PackEmotionInputs(collect_keys=('imgs', 'audio_mel'))(data)


def test_an_audio_visual_pipeline_on_generated_clips(tiny_liris):
    """The steps of the audio-visual configs, on clips with sound: 4 frames
    and 4 windows of 32 mel frames (0.32 s) over each 3-4 s clip."""
    pipeline = [
        dict(type='DecordInit'),
        dict(
            type='SegmentSampleFrames',
            num_segments=4,
            target_fps=5,
            test_mode=True),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(16, 16), keep_ratio=False),
        dict(type='FormatShape', input_format='NCHW'),
        dict(type='ClipAudioDecode', sample_rate=16000),
        dict(type='LogMelSpectrogram', n_fft=512, hop_length=160, n_mels=64),
        dict(
            type='SegmentSampleMel',
            num_segments=4,
            segment_frames=32,
            test_mode=True),
        dict(type='PackEmotionInputs', collect_keys=('imgs', 'audio_mel'))
    ]
    ds = LIRISACCEDEDataset(
        data_root=str(tiny_liris),
        split='test',
        splits=dict(train=[0], val=[2], test=[1]),
        pipeline=pipeline,
        test_mode=True)
    item = ds[0]
    assert item['inputs']['imgs'].shape == (4, 3, 16, 16)
    assert item['inputs']['audio_mel'].shape == (4, 1, 64, 32)
    assert item['inputs']['audio_mel'].dtype == torch.float32
    sample = item['data_samples']
    assert sample.metainfo['audio_missing'] is False
    assert sample.gt_values.shape == (2, )
