import re
from pathlib import Path

import av
import numpy as np
import pytest

from emovid_mm.datasets.transforms import (AudioUnavailableError,
                                           ClipAudioDecode)

FPS, DURATION, CLICKS = 10, 2.0, (0.5, 1.25)


def write_clip(path,
               video_codec,
               audio_codec=None,
               audio_rate=48000,
               audio_start=0.0,
               duration=DURATION,
               clicks=CLICKS,
               tone=0.0,
               audio_end=None,
               options=None,
               gop=None):
    """A ``duration`` s, 10 fps clip (a keyframe every ``gop`` frames if
    given); its mono audio (from ``audio_start`` s to ``audio_end``, by
    default the end) is a chirp of amplitude ``tone`` (silence by default)
    but for a click at each of ``clicks`` (seconds of the clip);
    ``options`` of the audio encoder."""
    offset = int(round(audio_start * audio_rate))
    t = np.arange(offset, int((audio_end or duration) * audio_rate))
    t = t / audio_rate
    signal = (tone * np.sin(2 * np.pi * (300 + 10 * t) * t)).astype(np.float32)
    signal[np.round(np.array(clicks) * audio_rate).astype(int) - offset] = 0.9
    chunks = range(0, len(signal), 1000) if audio_codec else range(0)
    with av.open(str(path), 'w') as container:
        video = container.add_stream(
            video_codec, rate=FPS, options=gop and dict(g=str(gop)))
        video.width = video.height = 32
        video.pix_fmt = 'yuv420p'
        if audio_codec:
            audio = container.add_stream(
                audio_codec, rate=audio_rate, options=options)
            audio.layout = 'mono'
        chunks = iter(chunks)
        s = next(chunks, None)
        for i in range(int(duration * FPS)):
            # The sound up to the frame's end first, interleaved as in
            # real files.
            while s is not None and offset + s < (i + 1) / FPS * audio_rate:
                frame = av.AudioFrame.from_ndarray(
                    signal[None, s:s + 1000], format='flt', layout='mono')
                frame.sample_rate, frame.pts = audio_rate, offset + s
                container.mux(audio.encode(frame))
                s = next(chunks, None)
            frame = av.VideoFrame.from_ndarray(
                np.full((32, 32, 3), 8 * i % 256, np.uint8), format='rgb24')
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode())
        if audio_codec:
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


def has_encoder(codec):
    try:
        av.Codec(codec, 'w')
    except av.codec.codec.UnknownCodecError:
        return False
    return True


#: MP3 where the container records the encoder's delay (MP3 in AVI cannot).
NO_MP3 = pytest.mark.skipif(
    not has_encoder('libmp3lame'),
    reason="PyAV's FFmpeg has no MP3 encoder (libmp3lame) to write the clip")

CONTAINERS = {
    'mp4-aac': ('mp4', 'h264', 'aac', 48000),
    'mkv-flac': ('mkv', 'h264', 'flac', 44100),
    'webm-opus': ('webm', 'libvpx', 'libopus', 48000),
    'avi-pcm': ('avi', 'mpeg4', 'pcm_s16le', 22050),
    'mp4-mp3': ('mp4', 'h264', 'libmp3lame', 44100),
    'mkv-mp3': ('mkv', 'h264', 'libmp3lame', 44100),
}
NAMES = [
    pytest.param(name, marks=NO_MP3) if name.endswith('mp3') else name
    for name in CONTAINERS
]


@pytest.fixture(scope='module')
def clips(tmp_path_factory):
    root = tmp_path_factory.mktemp('audio_clips')
    paths = {
        name: write_clip(root / f'{name}.{ext}', *codecs)
        for name, (ext, *codecs) in CONTAINERS.items()
        if has_encoder(codecs[1])
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


@pytest.mark.parametrize('name', NAMES)
def test_whole_clip_is_sample_exact(clips, name):
    out = decode(clips[name], sample_rate=16000)
    assert out['audio'].dtype == np.float32
    assert out['audio'].shape == (32000, )
    assert out['audio_sample_rate'] == 16000
    assert out['audio_missing'] is False
    assert click_positions(out['audio']) == [8000, 20000]


@pytest.mark.parametrize('name', NAMES)
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


@NO_MP3
def test_mp3_in_avi_comes_about_25_ms_late(tmp_path):
    """AVI cannot record the MP3 encoder's delay (LAME's 1105 samples,
    25 ms at 44.1 kHz), which FFmpeg removes from MP3 in mp4 or mkv."""
    out = decode(
        write_clip(tmp_path / 'mp3.avi', 'mpeg4', 'libmp3lame', 44100),
        sample_rate=16000)
    late = np.array(click_positions(out['audio'])) - [8000, 20000]
    assert late.tolist() == [401, 401]  # round(1105 / 44100 * 16000)


# A 40 s clip: a chirp (to compare every sample) with clicks, a keyframe
# every 2 s (mkv and webm index only those). Codecs, sample rate, encoder
# options, and whether the container keeps its times in milliseconds.
LONG_DURATION, LONG_CLICKS = 40.0, (0.5, 31.25)
LONG = {
    # FFmpeg's AAC encoder substitutes noise for noisy bands (PNS), which the
    # decoder draws from a random state running over the whole stream:
    # after a seek, those bands get other noise of the same level.
    'mp4-aac': ('mp4', 'h264', 'aac', 48000, dict(aac_pns='0'), False),
    'avi-pcm': ('avi', 'mpeg4', 'pcm_s16le', 22050, None, False),
    'mp4-mp3': ('mp4', 'h264', 'libmp3lame', 44100, None, False),
    'mkv-flac': ('mkv', 'h264', 'flac', 44100, None, True),
    'webm-opus': ('webm', 'libvpx', 'libopus', 48000, None, True),
}


@pytest.mark.parametrize('name', [
    pytest.param(name, marks=NO_MP3) if name.endswith('mp3') else name
    for name in LONG
])
def test_windows_of_a_long_clip_are_decoded_from_a_seek(
        tmp_path, monkeypatch, name):
    """Each 10 s window, every 5 s, decodes about its own span, and gives
    the samples of the whole clip's decoding at the window's times: exactly
    where the container's timestamps count samples, to half a millisecond
    (8 samples at 16 kHz) in mkv and webm."""
    ext, video_codec, audio_codec, rate, options, ms_times = LONG[name]
    path = write_clip(
        tmp_path / f'long.{ext}',
        video_codec,
        audio_codec,
        rate,
        duration=LONG_DURATION,
        clicks=LONG_CLICKS,
        tone=0.2,
        options=options,
        gop=20)
    whole = ClipAudioDecode()(dict(
        filename=path,
        total_frames=int(LONG_DURATION * FPS),
        avg_fps=float(FPS)))['audio']
    assert whole.shape == (640000, )
    decoded_from = []
    resample = ClipAudioDecode._resample

    def spy(self, frames, anchor, until):
        audio, first, offset = resample(self, frames, anchor, until)
        decoded_from.append(first)
        return audio, first, offset

    monkeypatch.setattr(ClipAudioDecode, '_resample', spy)
    transform = ClipAudioDecode()
    for start in range(0, 31, 5):
        out = transform(dict(filename=path, time_window=(start, start + 10)))
        assert out['audio'].shape == (160000, )
        assert out['audio_missing'] is False
        # The margin before the window, and not much more.
        assert start - 1.0 < decoded_from[-1] <= max(start - 0.25, 0)
        expected = whole[start * 16000:(start + 10) * 16000]
        if not ms_times:
            np.testing.assert_array_equal(out['audio'], expected)
        else:
            # The shift that best matches the whole clip's decoding.
            core = slice(16, -16)
            lags = range(-16, 17)
            best = lags[np.argmax([
                out['audio'][core] @ np.roll(expected, lag)[core]
                for lag in lags
            ])]
            assert abs(best) <= 8, (start, best)


def test_window_after_the_audio_ends_is_silence_not_missing(tmp_path):
    path = write_clip(
        tmp_path / 'short_audio.mp4',
        'h264',
        'aac',
        48000,
        duration=12.0,
        clicks=(0.5, ),
        tone=0.2,
        audio_end=4.0)
    out = decode(path, window=(6.0, 12.0), sample_rate=16000)
    assert out['audio'].shape == (96000, )
    assert not out['audio'].any()
    assert out['audio_missing'] is False
