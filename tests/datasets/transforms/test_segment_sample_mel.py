import numpy as np
import pytest

from emovid_mm.datasets.transforms import SegmentSampleMel


def ramp(frames: int, mels: int = 4) -> np.ndarray:
    """A spectrogram whose every band holds the frame index."""
    return np.tile(np.arange(frames, dtype=np.float32), (1, mels, 1))


def sample(mel, **kwargs):
    return SegmentSampleMel(**kwargs)(dict(audio_mel=mel))['audio_mel']


def starts(windows: np.ndarray) -> np.ndarray:
    return windows[:, 0, 0, 0].astype(np.int64)


@pytest.mark.parametrize('frames', [801, 1201])
def test_shape_for_8_s_and_12_s_clips(frames):
    out = sample(ramp(frames, mels=64), num_segments=8, segment_frames=96)
    assert out.shape == (8, 1, 64, 96)
    assert out.dtype == np.float32 and out.flags.c_contiguous


def test_windows_are_consecutive_mel_frames_of_every_band():
    out = sample(ramp(801), num_segments=8, segment_frames=96)
    expected = starts(out)[:, None] + np.arange(96)
    for band in range(4):
        np.testing.assert_array_equal(out[:, 0, band], expected)


def test_test_mode_centres_each_window_on_its_segment():
    # Segments of 100 frames (800 / 8), windows of 96: 2 frames each side.
    out = sample(ramp(800), segment_frames=96, test_mode=True)
    np.testing.assert_array_equal(starts(out), np.arange(8) * 100 + 2)


def test_training_windows_lie_in_their_segments_and_vary():
    np.random.seed(0)
    seen = np.stack(
        [starts(sample(ramp(1200), segment_frames=96)) for _ in range(200)])
    # Segments of 150 frames: a window starts in [150 i, 150 i + 54].
    offsets = seen - np.arange(8) * 150
    assert offsets.min() == 0 and offsets.max() == 54
    assert len(np.unique(offsets)) > 40


def test_training_draws_from_numpys_global_rng():
    np.random.seed(3)
    first = sample(ramp(1200))
    np.random.seed(3)
    np.testing.assert_array_equal(sample(ramp(1200)), first)


@pytest.mark.parametrize('test_mode', [False, True])
def test_segments_shorter_than_a_window_overlap_inside_the_spectrogram(
        test_mode):
    # A 3 s clip: 301 frames, segments of about 37 frames.
    np.random.seed(0)
    for _ in range(50):
        found = starts(sample(ramp(301), test_mode=test_mode))
        assert found.min() >= 0 and found.max() <= 301 - 96
        # Each window holds its whole segment where the spectrogram allows.
        bounds = np.floor(np.arange(9) * 301 / 8).astype(np.int64)
        inner = slice(2, 6)
        assert (found[inner] <= bounds[:-1][inner]).all()
        assert (found[inner] + 96 >= bounds[1:][inner]).all()
    if test_mode:
        assert (np.diff(found) >= 0).all()
        centres = found + 48
        segment_centres = (bounds[:-1] + bounds[1:]) / 2
        assert np.abs(centres - segment_centres)[inner].max() <= 1


def test_a_spectrogram_shorter_than_a_window_is_padded_with_its_minimum():
    mel = ramp(50) - 80.0
    out = sample(mel, num_segments=4, segment_frames=96, test_mode=True)
    assert out.shape == (4, 1, 4, 96)
    for window in out:
        np.testing.assert_array_equal(window[0, :, :50], mel[0])
        np.testing.assert_array_equal(window[0, :, 50:], -80.0)


@pytest.mark.parametrize('shape', [(64, 100), (2, 64, 100), (1, 64, 0)])
def test_a_wrong_spectrogram_is_a_clear_error(shape):
    with pytest.raises(ValueError, match=r'clip.mp4: audio_mel must be'):
        SegmentSampleMel()(
            dict(audio_mel=np.zeros(shape, np.float32), filename='clip.mp4'))


@pytest.mark.parametrize('kwargs',
                         [dict(num_segments=0),
                          dict(segment_frames=0)])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match='must be >= 1'):
        SegmentSampleMel(**kwargs)


def test_repr():
    assert repr(SegmentSampleMel(4, 32, True)) == (
        'SegmentSampleMel(num_segments=4, segment_frames=32, test_mode=True)')
