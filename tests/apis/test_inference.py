"""The inference API on generated videos of many containers, codecs, sizes
and frame rates, and on broken files."""
import re
import tracemalloc
import warnings

import av
import cv2
import numpy as np
import pytest
import torch
from conftest import CONFIG, REPO
from generated_videos import write_av, write_cv2, write_with_sound
from mmengine.dataset import Compose, pseudo_collate

from emovid_mm.apis import (AudioMissingWarning, EmotionTimeline,
                            VideoReadError, VideoSource, WindowPipeline,
                            inference_emotion, init_model, sliding_windows)
from emovid_mm.datasets.transforms import (AudioUnavailableError,
                                           ClipAudioDecode)

WARM, COOL = (230, 120, 40), (40, 110, 230)


@pytest.fixture(scope='module')
def model(tiny_checkpoint):
    return init_model(CONFIG, tiny_checkpoint, device='cpu')


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    return tmp_path_factory.mktemp('videos')


def test_sliding_windows():
    assert sliding_windows(4.0, 10, 5).tolist() == [[0, 4]]
    assert sliding_windows(10.0, 10, 5).tolist() == [[0, 10]]
    windows = sliding_windows(120.0, 10, 5)
    assert windows[:, 0].tolist() == list(range(0, 115, 5))
    assert (windows[:, 1] - windows[:, 0] == 10).all()
    # The last window ends at the end of the video.
    assert sliding_windows(123.0, 10, 5)[-2:].tolist() == [[110, 120],
                                                           [113, 123]]
    assert sliding_windows(20.0, 10, 3).tolist() == [[0, 10], [3, 13], [6, 16],
                                                     [9, 19], [10, 20]]
    with pytest.raises(ValueError, match='> 0'):
        sliding_windows(20.0, 10, 0)


def test_clip_is_one_window_predicted_as_by_the_test_pipeline(model, videos):
    """A clip shorter than a window gets the prediction tools/test.py would
    give it."""
    video = str(
        write_av(
            videos / 'clip.mp4', 'libx264', (64, 36), fps=25, duration=6.0))
    timeline = inference_emotion(model, video)
    assert isinstance(timeline, EmotionTimeline)
    assert timeline.windows.tolist() == [[0, 6.0]]
    assert timeline.num_frames == 150 and not timeline.frames_repeated
    assert list(timeline.values) == ['valence', 'arousal']

    pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
    data = pipeline(dict(filename=video, start_index=0, modality='RGB'))
    with torch.no_grad():
        expected = model.test_step(pseudo_collate([data]))[0].pred_values
    assert timeline.window_values[0] == pytest.approx(
        expected.numpy(), abs=1e-5)
    assert list(timeline.values.values()) == pytest.approx(
        expected.tolist(), abs=1e-5)


def test_two_minute_video_gives_a_timeline(model, videos):
    """2 min, 32x48 portrait at 4 fps: warm for the first minute, cool
    for the second."""
    video = str(
        write_av(
            videos / 'two_minutes.mp4',
            'libx264', (32, 48),
            fps=4,
            duration=120.0,
            colour_at=lambda t: WARM if t < 60 else COOL))
    timeline = inference_emotion(model, video, batch_size=5)
    assert timeline.duration == pytest.approx(120.0)
    assert timeline.num_windows == 23
    assert timeline.windows[:, 0].tolist() == pytest.approx(
        list(range(0, 115, 5)))
    assert timeline.windows[:, 1].tolist() == pytest.approx(
        list(range(10, 125, 5)))
    values = timeline.window_values
    assert values.shape == (23, 2)
    warm, cool = values[:11], values[12:]  # window 11 spans both halves
    assert np.ptp(
        warm, axis=0).max() < 0.2 * np.abs(warm.mean(0) - cool.mean(0)).max()
    assert list(timeline.values.values()) == pytest.approx(
        values.mean(0).tolist())
    saved = timeline.to_dict()
    assert len(saved['windows']) == 23
    assert saved['windows'][3] == pytest.approx(
        dict(start=15.0, end=25.0, valence=values[3, 0], arousal=values[3, 1]))


def test_batch_size_does_not_change_the_predictions(model, videos):
    video = str(
        write_av(
            videos / 'thirty.webm',
            'libvpx-vp9', (40, 30),
            fps=6,
            duration=30.0))
    one = inference_emotion(model, video, batch_size=1)
    three = inference_emotion(model, video, batch_size=3)
    assert one.num_windows == 5
    assert one.window_values == pytest.approx(three.window_values, abs=1e-5)


VFR_TIMES = np.concatenate([
    np.arange(0, 4, 1 / 25), 4 + np.arange(0, 4, 1 / 7),
    8 + np.arange(0, 4, 1 / 50)
])

FORMATS = [
    # file, writer, codec, (width, height), other arguments of the writer
    ('h264_29.97.mp4', write_av, 'libx264', (64, 36), dict(fps=30000 / 1001)),
    ('hevc.mkv', write_av, 'libx265', (80, 48), dict(fps=24)),
    ('vp9.webm', write_av, 'libvpx-vp9', (50, 30), dict(fps=12)),
    ('portrait.mov', write_av, 'libx264', (36, 64), dict(fps=25)),
    ('mpeg4_wide.avi', write_av, 'mpeg4', (100, 40), dict(fps=15)),
    ('odd_size.avi', write_av, 'mjpeg', (33, 21),
     dict(fps=8, pix_fmt='yuvj444p')),
    # decord 0.6 cannot batch frames of width 48 (dmlc/decord#336).
    ('width48.mp4', write_av, 'libx264', (48, 32), dict(fps=10)),
    ('variable_fps.mkv', write_av, 'libx264', (64, 32), dict(times=VFR_TIMES)),
    ('opencv_mp4v.mp4', write_cv2, 'mp4v', (64, 32), {}),
    ('opencv_mjpg.avi', write_cv2, 'MJPG', (64, 32), {}),
    ('opencv_xvid.mkv', write_cv2, 'XVID', (64, 32), {}),
    ('vp8.webm', write_av, 'libvpx', (64, 32), dict(fps=10)),
    ('opencv_mp4v.mov', write_cv2, 'mp4v', (32, 64), dict(fps=30)),
]


@pytest.mark.parametrize(
    'name,writer,codec,size,kwargs', FORMATS, ids=[f[0] for f in FORMATS])
def test_containers_codecs_sizes_and_frame_rates(model, videos, name, writer,
                                                 codec, size, kwargs):
    video = str(writer(videos / name, codec, size, **kwargs))
    timeline = inference_emotion(model, video)
    duration = 12.0 if 'times' in kwargs else 2.0
    assert timeline.duration == pytest.approx(duration, abs=0.05)
    assert timeline.windows == pytest.approx(
        sliding_windows(timeline.duration, 10, 5))
    assert np.isfinite(timeline.window_values).all()
    assert not timeline.frames_repeated


def test_variable_frame_rate_is_sampled_in_seconds(videos):
    source = VideoSource(
        str(
            write_av(videos / 'vfr.mp4', 'libx264', (64, 32),
                     times=VFR_TIMES)))
    assert source.frame_times == pytest.approx(VFR_TIMES, abs=1e-3)
    assert source.duration == pytest.approx(12.0, abs=0.03)


@pytest.mark.parametrize('duration', [0.5, 0.04])
def test_very_short_clip_repeats_frames(model, videos, duration):
    """0.5 s at 10 fps has 3 frames at 5 fps, a single frame 1: the model
    takes 4."""
    video = str(
        write_av(
            videos / f'short_{duration}.mp4',
            'libx264', (64, 32),
            fps=10 if duration > 0.1 else 25,
            duration=duration))
    timeline = inference_emotion(model, video)
    assert timeline.num_windows == 1 and timeline.frames_repeated
    assert timeline.duration == pytest.approx(duration, abs=1e-3)
    assert np.isfinite(timeline.window_values).all()


class RecordingReader:
    """A decord reader that records the frames asked of it."""

    def __init__(self, reader):
        self.reader, self.asked = reader, []

    def get_batch(self, indices):
        self.asked.extend(np.asarray(indices).tolist())
        return self.reader.get_batch(indices)


# A GOP of 12 frames with B-frames: seeking to a window decodes from another
# keyframe than reading in order does.
STREAMED = {
    'h264_gop12_25fps.mp4':
    dict(fps=25, duration=23.0, options=dict(g='12', bf='3')),
    'variable_fps.mkv': dict(times=VFR_TIMES),
    'short_0.5s.mp4': dict(fps=10, duration=0.5),
}


@pytest.mark.parametrize('name', list(STREAMED))
def test_stream_gives_the_inputs_of_the_per_window_pipeline(
        model, videos, name):
    """Windows read in one pass give the inputs, frame for frame, of the
    whole test pipeline on each window (what inference did before), and
    each frame a window takes is decoded once, in order."""
    video = write_av(videos / name, 'libx264', (64, 36), **STREAMED[name])
    steps = model.cfg.test_dataloader.dataset.pipeline
    reference = Compose([
        dict(t, repeat_short=True) if t['type'] == 'SegmentSampleFrames' else t
        for t in steps[1:]
    ])
    source = VideoSource(video)
    windows = sliding_windows(source.duration, 10, 5)
    pipeline = WindowPipeline(steps, chunk_size=5)
    frame_inds = [r['frame_inds'].tolist()
                  for r in pipeline.sample(source, windows)]
    source.reader = RecordingReader(source.reader)
    streamed = list(pipeline.stream(source, windows))
    assert source.reader.asked == sorted(set(sum(frame_inds, [])))
    source.reader = source.reader.reader
    for start_end, inds, got in zip(windows, frame_inds, streamed):
        expected = reference(source.window_results(*start_end))
        assert torch.equal(got['inputs'], expected['inputs'])
        assert got['data_samples'].metainfo == expected[
            'data_samples'].metainfo
    assert len(streamed) == len(windows)
    if name.startswith('short'):
        assert frame_inds == [[0, 2, 2, 4]]  # 3 frames at 5 fps, repeated
    stream = inference_emotion(model, video, batch_size=3)
    seek = inference_emotion(model, video, batch_size=3, reading='seek')
    assert stream.windows.tolist() == windows.tolist()
    assert np.array_equal(stream.window_values, seek.window_values)
    assert stream.frames_repeated == seek.frames_repeated


def test_stream_holds_as_many_frames_for_any_length(videos):
    """The memory streaming takes does not grow with the video's length: it
    holds only the frames of the windows to come (here 96x96 each)."""
    steps = [
        dict(type='DecordInit'),
        dict(type='SegmentSampleFrames', num_segments=8, target_fps=5),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(96, 96), keep_ratio=False),
        dict(type='FormatShape', input_format='NCHW'),
        dict(type='PackEmotionInputs')
    ]
    peaks = []
    for minutes in (1, 4):
        source = VideoSource(
            write_av(videos / f'{minutes}_minutes.mp4', 'libx264', (160, 96),
                     fps=5, duration=60.0 * minutes))
        windows = sliding_windows(source.duration, 10, 5)
        tracemalloc.start()
        for _ in WindowPipeline(steps).stream(source, windows):
            pass
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # Keeping the frames once decoded (some 280 of 27 KB for 4 minutes), or
    # the inputs of the windows done, takes 3-4 times as much for 4 minutes.
    assert peaks[1] < 1.2 * peaks[0], peaks


def test_window_pipeline_refuses_other_pipelines(model):
    steps = model.cfg.test_dataloader.dataset.pipeline
    with pytest.raises(ValueError, match='must start with DecordInit'):
        WindowPipeline([steps[0], steps[2], steps[1], *steps[3:]])
    with pytest.raises(ValueError, match="mode must be 'accurate'"):
        WindowPipeline([*steps[:2], dict(steps[2], mode='efficient'),
                        *steps[3:]])
    with pytest.raises(ValueError, match="reading must be 'stream' or"):
        inference_emotion(model, 'unused.mp4', reading='random')


def write_truncated(path, codec, fraction, **kwargs):
    """The first ``fraction`` of a 5 s video."""
    full = write_av(
        path.with_name('full_' + path.name),
        codec, (64, 32),
        duration=5.0,
        **kwargs)
    data = full.read_bytes()
    path.write_bytes(data[:int(len(data) * fraction)])


def write_audio_only(path):
    with av.open(str(path), 'w') as container:
        stream = container.add_stream('aac', rate=16000)
        for _ in range(10):
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), np.float32), format='fltp', layout='mono')
            frame.sample_rate = 16000
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


def write_corrupt_middle(path):
    """An MJPEG AVI with bytes zeroed in its middle: it opens, and the
    frames there fail to decode."""
    write_av(path, 'mjpeg', (64, 32), fps=5, duration=30.0, pix_fmt='yuvj420p')
    data = bytearray(path.read_bytes())
    for fraction in (0.45, 0.5, 0.55):
        start = int(len(data) * fraction)
        data[start:start + 600] = bytes(600)
    path.write_bytes(bytes(data))


BROKEN = {
    'text.mp4': lambda p: p.write_text('not a video\n' * 20),
    'empty.mkv': lambda p: p.write_bytes(b''),
    'image.png': lambda p: cv2.imwrite(str(p), np.zeros((8, 8, 3))),
    'audio_only.mp4': write_audio_only,
    # mp4 keeps its index at the end.
    'truncated.mp4': lambda p: write_truncated(p, 'libx264', 0.6),
    'truncated.avi':
    lambda p: write_truncated(p, 'mjpeg', 0.7, pix_fmt='yuvj420p'),
    'corrupt_middle.avi': write_corrupt_middle,
}


@pytest.mark.parametrize('name', list(BROKEN))
def test_broken_file_is_refused_with_its_name(model, videos, name):
    path = videos / name
    BROKEN[name](path)
    with pytest.raises(VideoReadError, match='re-encode') as info:
        inference_emotion(model, str(path))
    assert f'Cannot read {path} as a video' in str(info.value)
    if name == 'corrupt_middle.avi':
        # It opens, and fails on the window with the damaged frames; decord's
        # decoding threads may read ahead into them when the last frame is
        # decoded at opening, so that can fail first.
        assert re.search(
            r'the frames of [\d.]+-[\d.]+ s cannot be decoded|'
            r'its frames cannot be decoded', str(info.value))


def test_missing_file_and_unavailable_device(model):
    with pytest.raises(FileNotFoundError, match='nothing.mp4'):
        inference_emotion(model, 'nothing.mp4')
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match='CUDA is not available'):
            init_model(CONFIG, device='cuda:0')


# ------------------------------------------------------------------ sound
AV_CONFIG = str(REPO / 'tests/data/tiny_tsn_audio_liris.py')
AUDIO_CONFIG = str(REPO / 'tests/data/tiny_audio_liris.py')


@pytest.fixture(scope='module')
def av_model():
    """The tiny TSN fused with a tiny AudioCNN, random weights."""
    torch.manual_seed(0)
    return init_model(AV_CONFIG, device='cpu')


def per_window_reference(steps):
    """The whole test pipeline (without DecordInit), as inference runs it
    on each window."""
    return Compose([
        dict(t, repeat_short=True) if t['type'] == 'SegmentSampleFrames' else
        dict(t, allow_missing=True) if t['type'] == 'ClipAudioDecode' else t
        for t in steps[1:]
    ])


def test_windows_get_the_sound_of_their_span(av_model, videos):
    """Each window's log-mel segments are those of the whole clip's sound
    cut at the window's times, read in one pass or per window, with the
    frames of the per-window test pipeline."""
    video = write_with_sound(videos / 'sound_25s.mp4', 25.0)
    steps = av_model.cfg.test_dataloader.dataset.pipeline
    source = VideoSource(video)
    windows = sliding_windows(source.duration, 10, 5)
    assert windows[:, 0].tolist() == [0, 5, 10, 15]
    whole = ClipAudioDecode()(dict(
        filename=video, total_frames=source.num_frames,
        avg_fps=source.avg_fps))['audio']
    assert whole.shape == (400000, )
    mel_steps = Compose(steps[-3:-1])  # LogMelSpectrogram, SegmentSampleMel
    reference = per_window_reference(steps)
    pipeline = WindowPipeline(steps)
    assert pipeline.audio.allow_missing
    for reading in ('stream', 'seek'):
        inputs = list(getattr(pipeline, reading)(source, windows))
        assert len(inputs) == len(windows)
        for (start, end), got in zip(windows, inputs):
            sound = whole[int(start) * 16000:int(end) * 16000]
            mel = mel_steps(dict(audio=sound, audio_sample_rate=16000))
            assert torch.equal(got['inputs']['audio_mel'],
                               torch.from_numpy(mel['audio_mel']))
            assert got['inputs']['audio_mel'].shape == (4, 1, 16, 24)
            expected = reference(source.window_results(start, end))
            assert torch.equal(got['inputs']['imgs'],
                               expected['inputs']['imgs'])
            assert got['data_samples'].metainfo['audio_missing'] is False
    # The windows sound different.
    mels = [x['inputs']['audio_mel'] for x in inputs]
    assert not torch.equal(mels[0], mels[1])


def test_video_without_sound_is_predicted_from_its_frames(av_model, videos):
    """The same frames without a sound track: one warning naming the video,
    and the prediction of the model with its audio features zeroed."""
    heard = write_with_sound(videos / 'twin_sound.mp4', 12.0)
    silent = write_with_sound(videos / 'twin_silent.mp4', 12.0, sound=False)
    with warnings.catch_warnings():
        warnings.simplefilter('error', AudioMissingWarning)
        with_sound = inference_emotion(av_model, heard, batch_size=1)
    with pytest.warns(AudioMissingWarning) as record:
        without = inference_emotion(av_model, silent, batch_size=1)
    assert len(record) == 1
    assert str(record[0].message) == (
        f'{silent} has no audio track, or one that cannot be decoded (2 of '
        '2 window(s)): predicted from its frames alone, its audio features '
        'zeroed.')
    zero = av_model.audio_backbone.register_forward_hook(
        lambda module, args, output: torch.zeros_like(output))
    try:
        deaf = inference_emotion(av_model, heard)
    finally:
        zero.remove()
    assert without.num_windows == deaf.num_windows == 2
    assert (with_sound.windows_without_sound,
            without.windows_without_sound) == (0, 2)
    assert without.to_dict()['windows_without_sound'] == 2
    assert without.window_values == pytest.approx(deaf.window_values, abs=1e-5)
    assert np.abs(with_sound.window_values -
                  without.window_values).max() > 1e-3


def test_clip_shorter_than_the_mel_segments_has_the_models_shape(
        av_model, videos):
    """0.2 s of sound (21 mel frames, fewer than one segment's 24) over the
    video's real span, padded with silence; its 2 frames repeated."""
    video = write_with_sound(videos / 'sound_0.2s.mp4', 0.2)
    steps = av_model.cfg.test_dataloader.dataset.pipeline
    source = VideoSource(video)
    windows = sliding_windows(source.duration, 10, 5)
    assert windows.tolist() == [[0, pytest.approx(0.2)]]
    got = next(WindowPipeline(steps).stream(source, windows))
    assert got['inputs']['audio_mel'].shape == (4, 1, 16, 24)
    sound = ClipAudioDecode()(dict(
        filename=video, total_frames=2, avg_fps=10.0))['audio']
    assert sound.shape == (3200, ) and sound.any()
    mel = Compose(steps[-3:-1])(dict(audio=sound, audio_sample_rate=16000))
    assert torch.equal(got['inputs']['audio_mel'],
                       torch.from_numpy(mel['audio_mel']))
    timeline = inference_emotion(av_model, video)
    assert timeline.frames_repeated
    assert np.isfinite(timeline.window_values).all()


def test_model_of_sound_alone(videos):
    """Audio windows over the video's duration; a video without sound
    cannot be predicted by it."""
    torch.manual_seed(0)
    model = init_model(AUDIO_CONFIG, device='cpu')
    video = write_with_sound(videos / 'sound_only_model.mp4', 25.0)
    pipeline = WindowPipeline(model.cfg.test_dataloader.dataset.pipeline)
    assert pipeline.sampler is None
    stream = inference_emotion(model, video, batch_size=3)
    seek = inference_emotion(model, video, batch_size=3, reading='seek')
    assert stream.windows[:, 0].tolist() == [0, 5, 10, 15]
    assert not stream.frames_repeated
    assert np.isfinite(stream.window_values).all()
    assert np.array_equal(stream.window_values, seek.window_values)
    silent = write_with_sound(
        videos / 'silent_for_sound_model.mp4', 3.0, sound=False)
    with pytest.raises(
            AudioUnavailableError,
            match=re.escape(silent) + '.* hears sound alone'):
        inference_emotion(model, silent)


def test_window_pipeline_of_sound(av_model):
    steps = av_model.cfg.test_dataloader.dataset.pipeline
    # The samples say whether their sound is missing, for the model.
    pack = dict(steps[-1], meta_keys=('filename', ))
    pipeline = WindowPipeline([*steps[:-1], pack])
    assert 'audio_missing' in pipeline.window_steps.transforms[-1].meta_keys
    # Frames decoded but not sampled; neither frames nor sound.
    frames_unsampled = [steps[0], steps[2], *steps[5:]]
    no_sound_no_frames = [steps[0], *steps[3:5], steps[-1]]
    for other in (frames_unsampled, no_sound_no_frames):
        with pytest.raises(ValueError, match='or decode sound alone'):
            WindowPipeline(other)
