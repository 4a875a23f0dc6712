import numpy as np
import pytest

from emovid_mm.datasets import ClipTooShortError, SegmentSampleFrames


def sample(total_frames, fps=25.0, **kwargs):
    results = dict(
        total_frames=total_frames,
        avg_fps=fps,
        start_index=0,
        filename='clips/ACCEDE00042.mp4')
    return SegmentSampleFrames(**kwargs)(results)


def test_test_mode_takes_segment_centres():
    out = sample(80, num_segments=8, test_mode=True)
    # 10 frames per segment, centre at offset 4 (room 9 // 2).
    assert out['frame_inds'].tolist() == [4, 14, 24, 34, 44, 54, 64, 74]
    assert (out['clip_len'], out['num_clips']) == (1, 8)


def test_train_mode_takes_one_random_frame_per_segment():
    np.random.seed(0)
    draws = np.stack([sample(80, num_segments=8)['frame_inds']
                      for _ in range(300)])
    segments = draws // 10
    assert (segments == np.arange(8)).all()  # one frame in each segment
    assert set(np.unique(draws % 10)) == set(range(10))  # anywhere in it


def test_target_fps_samples_on_the_downsampled_timeline():
    # 10 s at 25 fps -> 50 candidates at 5 fps: frames 0, 5, 10, ...
    out = sample(250, num_segments=8, target_fps=5, test_mode=True)
    assert (out['frame_inds'] % 5 == 0).all()
    np.random.seed(1)
    for _ in range(20):
        inds = sample(250, num_segments=8, target_fps=5)['frame_inds']
        assert (inds % 5 == 0).all() and (np.diff(inds) > 0).all()


def test_target_fps_never_upsamples():
    out = sample(40, fps=4.0, num_segments=8, target_fps=5, test_mode=True)
    assert out['frame_inds'].tolist() == [2, 7, 12, 17, 22, 27, 32, 37]


def test_consecutive_frames_per_segment_for_3d_models():
    out = sample(250, num_segments=1, clip_len=8, target_fps=5,
                 test_mode=True)
    # 8 consecutive frames at 5 fps from the middle of the clip.
    assert out['frame_inds'].tolist() == list(range(105, 145, 5))
    assert (out['clip_len'], out['num_clips']) == (8, 1)


def test_exactly_enough_frames():
    out = sample(8, num_segments=8)
    assert out['frame_inds'].tolist() == list(range(8))


@pytest.mark.parametrize('total,kwargs,match', [
    (7, dict(num_segments=8), r'ACCEDE00042.mp4 has 7 frames \(7 decoded\), '
     'fewer than the 8'),
    (30, dict(num_segments=8, target_fps=5),
     r'ACCEDE00042.mp4 has 6 frames at 5 fps \(30 decoded\)'),
    (20, dict(num_segments=3, clip_len=8), r'fewer than the 24 asked for'),
])
def test_short_clip_is_refused_with_its_name(total, kwargs, match):
    with pytest.raises(ClipTooShortError, match=match):
        sample(total, **kwargs)


def test_start_index_is_added():
    results = dict(total_frames=8, avg_fps=25.0, start_index=1, filename='x')
    out = SegmentSampleFrames(num_segments=8, test_mode=True)(results)
    assert out['frame_inds'].tolist() == list(range(1, 9))


@pytest.mark.parametrize('kwargs', [
    dict(num_segments=0),
    dict(clip_len=0),
    dict(target_fps=0),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        SegmentSampleFrames(**kwargs)


def sample_window(frame_times, window, **kwargs):
    frame_times = np.asarray(frame_times, dtype=np.float64)
    results = dict(
        total_frames=len(frame_times),
        avg_fps=25.0,
        start_index=0,
        filename='film.mkv',
        frame_times=frame_times,
        time_window=window)
    return SegmentSampleFrames(**kwargs)(results)['frame_inds'].tolist()


@pytest.mark.parametrize('total,fps,num_segments', [(250, 25.0, 8),
                                                    (300, 30000 / 1001, 8),
                                                    (53, 12.5, 8),
                                                    (40, 4.0, 8),
                                                    (250, 25.0, 3)])
def test_time_window_over_the_whole_clip_samples_as_frame_indices(
        total, fps, num_segments):
    kwargs = dict(num_segments=num_segments, target_fps=5, test_mode=True)
    by_index = sample(total, fps=fps, **kwargs)['frame_inds'].tolist()
    by_time = sample_window(np.arange(total) / fps, (0, total / fps),
                            **kwargs)
    assert by_time == by_index


def test_time_window_samples_as_a_clip_of_its_own():
    times = np.arange(500) / 25  # 20 s at 25 fps
    for kwargs in (dict(num_segments=8, target_fps=5), dict(num_segments=5)):
        clip = sample(250, test_mode=True, **kwargs)['frame_inds']
        assert sample_window(times, (5.0, 15.0), test_mode=True,
                             **kwargs) == (clip + 125).tolist()


def test_time_window_samples_variable_frame_rates_in_seconds():
    # 2 s at 25 fps, then 2 s at 7 fps, then 2 s at 50 fps.
    times = np.concatenate([
        np.arange(50) / 25, 2 + np.arange(14) / 7, 4 + np.arange(100) / 50
    ])
    inds = sample_window(times, (0, 6), num_segments=6, target_fps=5,
                         test_mode=True)
    # The frames shown at the centre tick of each second.
    assert times[inds].tolist() == pytest.approx(
        [0.4, 1.4, 2 + 2 / 7, 2 + 9 / 7, 4.4, 5.4])


def test_repeat_short_stretches_the_frames_in_order():
    kwargs = dict(num_segments=8, target_fps=5, test_mode=True)
    # 1 s at 25 fps: 5 candidates at 5 fps, frames 0, 5, ..., 20.
    out = sample(25, repeat_short=True, **kwargs)
    assert out['frame_inds'].tolist() == [0, 0, 5, 10, 10, 15, 20, 20]
    assert sample_window(np.arange(25) / 25, (0, 1), repeat_short=True,
                         **kwargs) == [0, 0, 5, 10, 10, 15, 20, 20]
    out = sample(1, num_segments=1, clip_len=4, repeat_short=True)
    assert out['frame_inds'].tolist() == [0, 0, 0, 0]
    with pytest.raises(ClipTooShortError, match='0.50-0.90 s'):
        sample_window([0.0, 0.1, 0.2, 0.3], (0.5, 0.9), num_segments=2,
                      test_mode=True)
