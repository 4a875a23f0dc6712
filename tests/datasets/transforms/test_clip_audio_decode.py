import re
from pathlib import Path

import av
import numpy as np
import pytest

from emovid_mm.datasets.transforms import (AudioUnavailableError,
                                           ClipAudioDecode)

FPS, DURATION, CLICKS = 10, 2.0, (0.5, 1.25)


def write_clip(path, video_codec, audio_codec=None, audio_rate=48000,
               audio_start=0.0):
    """A 2 s, 10 fps clip; its mono audio (from ``audio_start`` s to 2 s) is
    silent but for a click at each of :data:`CLICKS` (seconds of the
    clip)."""
    with av.open(str(path), 'w') as container:
        video = container.add_stream(video_codec, rate=FPS)
        video.width = video.height = 32
        video.pix_fmt = 'yuv420p'
        if audio_codec:
            audio = container.add_stream(audio_codec, rate=audio_rate)
            audio.layout = 'mono'
        for i in range(int(DURATION * FPS)):
            frame = av.VideoFrame.from_ndarray(
                np.full((32, 32, 3), 8 * i, np.uint8), format='rgb24')
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode())
        if audio_codec:
            offset = int(round(audio_start * audio_rate))
            signal = np.zeros(int(DURATION * audio_rate) - offset, np.float32)
            signal[np.round(np.array(CLICKS) * audio_rate).astype(int) -
                   offset] = 0.9
            for s in range(0, len(signal), 1000):
                frame = av.AudioFrame.from_ndarray(
                    signal[None, s:s + 1000], format='flt', layout='mono')
                frame.sample_rate, frame.pts = audio_rate, offset + s
                container.mux(audio.encode(frame))
            container.mux(audio.encode())
    return str(path)


def corrupt_audio(path):
    """Overwrite every audio packet's payload with random bytes."""
    with av.open(path) as container:
        spans = [(p.pos, p.size)
                 for p in container.demux(container.streams.audio[0])
                 if p.size]
    data = bytearray(Path(path).read_bytes())
    rng = np.random.default_rng(0)
    for pos, size in spans:
        data[pos:pos + size] = rng.integers(0, 256, size, np.uint8).tobytes()
    Path(path).write_bytes(bytes(data))
    return path


CONTAINERS = {
    'mp4-aac': ('mp4', 'h264', 'aac', 48000),
    'mkv-flac': ('mkv', 'h264', 'flac', 44100),
    'webm-opus': ('webm', 'libvpx', 'libopus', 48000),
    'avi-pcm': ('avi', 'mpeg4', 'pcm_s16le', 22050),
}


@pytest.fixture(scope='module')
def clips(tmp_path_factory):
    root = tmp_path_factory.mktemp('audio_clips')
    paths = {
        name: write_clip(root / f'{name}.{ext}', *codecs)
        for name, (ext, *codecs) in CONTAINERS.items()
    }
    paths['late'] = write_clip(
        root / 'late.mkv', 'h264', 'pcm_s16le', 32000, audio_start=0.25)
    paths['silent'] = write_clip(root / 'silent.mp4', 'h264')
    paths['corrupt-aac'] = corrupt_audio(
        write_clip(root / 'corrupt.mp4', 'h264', 'aac'))
    paths['corrupt-flac'] = corrupt_audio(
        write_clip(root / 'corrupt.mkv', 'h264', 'flac'))
    return paths


def decode(path, window=None, **kwargs):
    results = dict(filename=path, total_frames=int(DURATION * FPS),
                   avg_fps=float(FPS))
    if window is not None:
        results['time_window'] = window
    return ClipAudioDecode(**kwargs)(results)


def click_positions(audio):
    """Index of the loudest sample in each half of ``audio``."""
    half = len(audio) // 2
    return [int(np.abs(audio[:half]).argmax()),
            half + int(np.abs(audio[half:]).argmax())]


@pytest.mark.parametrize('name', CONTAINERS)
def test_whole_clip_is_sample_exact(clips, name):
    out = decode(clips[name], sample_rate=16000)
    assert out['audio'].dtype == np.float32
    assert out['audio'].shape == (32000, )
    assert out['audio_sample_rate'] == 16000
    assert out['audio_missing'] is False
    assert click_positions(out['audio']) == [8000, 20000]


@pytest.mark.parametrize('name', CONTAINERS)
def test_time_window_is_sample_exact(clips, name):
    out = decode(clips[name], window=(0.3, 1.55), sample_rate=8000)
    assert out['audio'].shape == (10000, )  # round(1.25 s * 8000)
    # The clicks at 0.5 s and 1.25 s, 0.2 s and 0.95 s into the window.
    assert click_positions(out['audio']) == [1600, 7600]


def test_audio_starting_late_is_placed_on_the_video_timeline(clips):
    out = decode(clips['late'], sample_rate=16000)
    assert out['audio'].shape == (32000, )
    assert click_positions(out['audio']) == [8000, 20000]
    assert not out['audio'][:4000].any()  # before the audio starts


def test_window_before_the_audio_starts_is_silence_not_missing(clips):
    out = decode(clips['late'], window=(0.0, 0.2), sample_rate=16000)
    assert out['audio'].shape == (3200, )
    assert not out['audio'].any()
    assert out['audio_missing'] is False


@pytest.mark.parametrize('name', ['silent', 'corrupt-aac', 'corrupt-flac'])
def test_clip_without_usable_audio_raises_naming_it(clips, name):
    with pytest.raises(AudioUnavailableError, match=re.escape(clips[name])):
        decode(clips[name])


@pytest.mark.parametrize('name', ['silent', 'corrupt-aac', 'corrupt-flac'])
def test_allow_missing_gives_flagged_silence(clips, name):
    out = decode(clips[name], window=(0.5, 1.5), allow_missing=True)
    assert out['audio'].shape == (16000, )
    assert out['audio'].dtype == np.float32
    assert not out['audio'].any()
    assert out['audio_missing'] is True
