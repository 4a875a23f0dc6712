"""Generator of synthetic, LIRIS-ACCEDE-shaped video data with known causes.

The real LIRIS-ACCEDE dataset needs a registration, so this module writes a
stand-in with the same files, file formats and split rules, filled with
procedurally rendered clips whose valence and arousal labels follow from
known visual causes. It is synthetic: none of its videos or labels come from
the real dataset, and numbers measured on it say nothing about real films.

Layout written under ``out_dir`` (as after extracting the two official zips)::

    LIRIS-ACCEDE-data/
        data/ACCEDE00000.mp4 ...               one clip per id (mp4v, or
                                               H.264 with codec='h264'; AAC
                                               mono 16 kHz sound)
        ACCEDEdescription.xml                  <media>: id, name, license,
                                               movie, start, end (film frames)
        ACCEDEmovies.xml                       <media>: movie, title, license,
                                               credits, genre, language,
                                               length (HH:MM:SS), excerpts
    LIRIS-ACCEDE-annotations/annotations/
        ACCEDEranking.txt                      id, name, valence/arousal rank,
                                               value and variance (TSV)
        ACCEDEsets.txt                         id, name, set (TSV; 0 test,
                                               1 learning, 2 validation)
    synthetic_causes.csv                       the causes behind each label

Half the films form the test set and a quarter each the learning and
validation sets; all excerpts of a film share its set. Ranks go from 0 (lowest
value) to N - 1 (highest) over all clips.

What drives the labels (the causes, all listed in ``synthetic_causes.csv``):

* valence comes from how a frame looks: the scene is graded towards a tint
  between cool blue and warm orange of equal luma (``warmth`` in [-1, 1])
  and scaled by an exposure gain (``brightness`` in [-1, 1]). One frame
  reveals it.
* arousal comes from how frames move: shapes and the background texture
  translate at a clip-level ``speed`` (level in [0, 1]: 0.01 * 30**speed
  frame heights per second) and hard cuts re-lay the scene out at
  ``cut_rate`` cuts per second (at most ``MAX_CUT_RATE``). Motion wraps
  around the frame and cuts redraw the layout from an unchanged
  distribution, so the distribution of every single-frame statistic (mean
  colour, brightness, contrast, shape count, size and sharpness) does not
  depend on arousal; nothing blurs with motion. (mp4v coding leaves a faint
  link, |r| < 0.1, between motion and the sharpness of decoded frames.)
* with ``sound_arousal`` > 0, arousal also comes from the soundtrack: a
  clip-level ``loudness`` (level in [0, 1]: the percussive hits peak at
  -30 to -6 dBFS, over a low rumble 12 dB below them) and the rate of its
  percussive ``onsets`` (short noise bursts, at most ``MAX_ONSET_RATE`` per
  second, spread evenly with jitter). The sound of a film has its own mood,
  independent of the visual ones: no frame tells how a clip sounds.
* nuisances independent of both labels: per-film style (background level,
  texture frequencies and contrast, shape count, size and kind, film grain),
  per-shot shape colours and positions, per-frame grain, a per-film hiss
  (-55 to -40 dBFS), 1-3 steady tones per clip (150-3000 Hz, -40 to
  -18 dBFS, as loud as the quieter hits), and label noise. With
  ``sound_arousal=0`` (the default) the whole soundtrack is a nuisance: the
  clips sound the same, but the labels do not depend on it.

Each film has a valence mood, shared by the warmth and brightness of its
clips, and an independent arousal mood, shared by their speed and cut rate;
each clip adds its own deviations. The clean labels are affine in the causes::

    valence_clean = 1.33 + 2.26 * (1 + 0.6 * warmth + 0.4 * brightness) / 2
    motion = 0.6 * speed + 0.4 * min(cut_rate / MAX_CUT_RATE, 1)
    sound = 0.5 * loudness + 0.5 * min(onset_rate / MAX_ONSET_RATE, 1)
    arousal_clean = 1.32 + 3.22 * ((1 - sound_arousal) * motion
                                   + sound_arousal * sound)

Every clip gets an annotator variance per dimension, drawn uniformly from
``annotator_variance_range`` regardless of content; the published value is
the clean value plus Gaussian noise of variance ``variance / num_annotators``,
clipped to the real ranges (valence 1.33-3.59, arousal 1.32-4.54). With the
defaults the clean labels correlate with the published ones at r > 0.95.

Generation is deterministic in ``seed``: the same arguments give
byte-identical annotation files and identical decoded frames and sound. The
soundtrack is drawn from random streams of its own, so the frames, and with
``sound_arousal=0`` the labels, are those of a dataset without sound
(``audio=False``, or the generator before it wrote sound).

Speed: the defaults (16 films x 4 clips of 8-12 s, 25 fps, 96x128, about
16,000 frames) take about 10 s on 2 CPU cores, measured with
``time python tools/data/make_synthetic_liris.py --out-dir /tmp/liris_syn``.

Clips to time data loading on (``tools/analysis/benchmark_data.py``):
``codec='h264'`` encodes H.264, as the real clips are, with libx264 through
PyAV (yuv420p, x264's default preset and quality, a keyframe at least every
``gop`` frames and at x264's scene cuts) instead of OpenCV's mp4v; give it
the real clips' frame size, e.g. ``frame_size=(288, 384)``. Only the encoding
changes: the clips, labels and files are those of the mp4v dataset.

Sound: every clip carries an AAC track (mono, ``AUDIO_SAMPLE_RATE`` Hz, in
the same mp4), as the real clips have sound; ``audio=False`` writes clips
without one. With mp4v the frames are encoded by OpenCV, then remuxed with
the sound by PyAV, so the video stream is the one OpenCV wrote.
"""
from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import scipy.signal

__all__ = [
    'AROUSAL_RANGE', 'AUDIO_SAMPLE_RATE', 'CODECS', 'MAX_CUT_RATE',
    'MAX_ONSET_RATE', 'VALENCE_RANGE', 'ClipSpec', 'FilmSpec', 'clip_rng',
    'make_synthetic_liris', 'render_clip', 'render_sound',
    'sample_liris_specs', 'sound_rng'
]

CODECS = ('mp4v', 'h264')
AUDIO_SAMPLE_RATE = 16000
MAX_ONSET_RATE = 4.0
"""Percussive onsets per second at the top of the onset cause."""
VALENCE_RANGE = (1.33, 3.59)
AROUSAL_RANGE = (1.32, 4.54)
MAX_CUT_RATE = 0.5
"""Cuts per second at the top of the cut-rate cause."""

VALENCE_WEIGHTS = (0.6, 0.4)  # warmth, brightness
AROUSAL_WEIGHTS = (0.6, 0.4)  # speed, cut level
SOUND_WEIGHTS = (0.5, 0.5)  # loudness, onset level
# Frame heights per second at speed 0 and 1. The paper's sampling (8 frames
# over a 10 s clip, 1.25 s apart) must still see the speed: beyond a shift
# of about a shape's size between two sampled frames, all speeds look alike.
# With (0.03, 1.2) the upper half of the range did, and frame differences at
# those frames explained arousal with r = 0.71 at best (linear fit over 192
# clips); with (0.01, 0.3), r = 0.89.
SPEED_RANGE = (0.01, 0.3)
GAIN_RANGE = (0.6, 1.4)  # exposure gain at brightness -1 and 1
TINT_STRENGTH = 0.5
TINT_COOL = np.array([0.25, 0.62, 1.0], dtype=np.float32)  # luma 0.553
TINT_WARM = np.array([0.95, 0.44, 0.10], dtype=np.float32)  # luma 0.554
MIN_SHOT = 0.5  # seconds
DECORD_BAD_WIDTHS = frozenset({16, 24, 48, 72})  # misread by decord 0.6.0
CHUNK_FRAMES = 8
HIT_PEAK_DB = (-30.0, -6.0)  # peak of the percussive hits at loudness 0, 1
RUMBLE_DB = -12.0  # RMS of the rumble below the hits' peak
HIT_DECAY = 0.04  # seconds
HISS_DB = (-55.0, -40.0)  # RMS of the per-film hiss
TONE_DB = (-40.0, -18.0)  # amplitude of the nuisance tones
TONE_HZ = (150.0, 3000.0)
# Random streams beside clip_rng's (spawn key (clip id, )).
_SOUND_CAUSES, _SOUND_RENDER, _SOUND_FILM = 1, 2, 3

RANKING_HEADER = ('id', 'name', 'valenceRank', 'arousalRank', 'valenceValue',
                  'arousalValue', 'valenceVariance', 'arousalVariance')
SETS_HEADER = ('id', 'name', 'set')
CAUSES_HEADER = ('id', 'name', 'film', 'set', 'duration', 'num_frames',
                 'warmth', 'brightness', 'speed', 'num_cuts', 'cut_rate',
                 'loudness', 'num_onsets', 'onset_rate', 'sound_arousal',
                 'valence_clean', 'arousal_clean', 'valence', 'arousal',
                 'valence_variance', 'arousal_variance')
"""Columns of ``synthetic_causes.csv``: ``film`` is the source movie file,
``set`` the split, ``duration`` in seconds, ``warmth`` and ``brightness`` in
[-1, 1], ``speed`` a level in [0, 1], ``num_cuts`` the hard cuts in the clip
and ``cut_rate`` their number per second; ``loudness`` a level in [0, 1],
``num_onsets`` the percussive hits and ``onset_rate`` their number per
second; ``sound_arousal`` the share of arousal the sound causes (the same for
every clip, 0 when the sound is a nuisance); ``valence``/``arousal`` and the
variances are the published (noisy) annotations."""

GENRES = ('Action', 'Adventure', 'Animation', 'Comedy', 'Documentary',
          'Drama', 'Horror', 'Romance', 'Thriller')
LANGUAGES = ('English', 'French', 'German', 'Italian', 'Spanish', 'None')
LICENSE = 'CC0 1.0 (synthetic)'


@dataclass(frozen=True)
class FilmSpec:
    """A synthetic source film: metadata, split and visual style."""

    index: int
    movie: str
    title: str
    genre: str
    language: str
    split: int
    length: int  # frames
    base_level: float  # mean grey level of the background texture
    gratings: tuple[tuple[int, int, float], ...]  # (x cycles, y cycles, amp)
    num_shapes: int
    shape_scale: float  # mean shape radius in frame heights
    square_prob: float
    grain: float  # sd of per-pixel luma noise, in [0, 1] units
    hiss: float  # RMS of the soundtrack's white noise, full scale 1


@dataclass(frozen=True)
class ClipSpec:
    """One excerpt: its causes, labels and place in its film."""

    id: int
    film: int
    start: int  # first frame in the film
    num_frames: int
    warmth: float
    brightness: float
    speed: float
    shot_starts: tuple[int, ...]  # first frame of each shot; starts with 0
    loudness: float
    onset_times: tuple[float, ...]  # seconds into the clip
    valence_clean: float
    arousal_clean: float
    valence: float
    arousal: float
    valence_variance: float
    arousal_variance: float

    @property
    def name(self) -> str:
        return f'ACCEDE{self.id:05d}.mp4'

    @property
    def end(self) -> int:
        """Last frame in the film."""
        return self.start + self.num_frames - 1

    @property
    def num_cuts(self) -> int:
        return len(self.shot_starts) - 1

    @property
    def num_onsets(self) -> int:
        return len(self.onset_times)


def sample_liris_specs(
    num_films: int = 16,
    clips_per_film: int = 4,
    duration_range: tuple[float, float] = (8.0, 12.0),
    fps: float = 25.0,
    seed: int = 0,
    num_annotators: int = 25,
    annotator_variance_range: tuple[float, float] = (0.1, 0.4),
    sound_arousal: float = 0.0,
) -> tuple[list[FilmSpec], list[ClipSpec]]:
    """Draw the films and clips (causes, labels) of a dataset, rendering none.

    Takes the arguments of :func:`make_synthetic_liris` and returns exactly
    the specs it writes; a clip is indexed by its id, a film by its index.
    """
    _check_args(num_films, clips_per_film, duration_range, fps, seed,
                num_annotators, annotator_variance_range, sound_arousal)
    rng = np.random.default_rng(seed)
    splits = rng.permutation(
        np.repeat([0, 1, 2], [num_films // 2, num_films // 4, num_films // 4]))
    films, clips = [], []
    for f in range(num_films):
        valence_mood, arousal_mood = rng.uniform(-0.6, 0.6, 2)
        sound_mood, hiss_db = _stream_rng(seed, f, _SOUND_FILM).uniform(
            [-0.6, HISS_DB[0]], [0.6, HISS_DB[1]])
        cursor = _frames(rng.uniform(5.0, 60.0), fps)
        for _ in range(clips_per_film):
            clip = _sample_clip(
                rng, len(clips), f, cursor, duration_range, fps,
                valence_mood, arousal_mood, num_annotators,
                annotator_variance_range,
                _stream_rng(seed, len(clips), _SOUND_CAUSES), sound_mood,
                sound_arousal)
            clips.append(clip)
            cursor = clip.end + 1 + _frames(rng.uniform(5.0, 60.0), fps)
        title = f'Synthetic Film {f:03d}'
        films.append(
            FilmSpec(
                index=f,
                movie=title.replace(' ', '_') + '.mp4',
                title=title,
                genre=GENRES[rng.integers(len(GENRES))],
                language=LANGUAGES[rng.integers(len(LANGUAGES))],
                split=int(splits[f]),
                length=cursor,
                base_level=rng.uniform(0.42, 0.58),
                gratings=tuple((int(rng.integers(1, 5)),
                                int(rng.integers(0, 4)),
                                rng.uniform(0.04, 0.12)) for _ in range(2)),
                num_shapes=int(rng.integers(4, 8)),
                shape_scale=rng.uniform(0.09, 0.15),
                square_prob=rng.uniform(0.0, 1.0),
                grain=rng.uniform(0.3, 1.5) / 255,
                hiss=_amplitude(hiss_db)))
    return films, clips


def render_clip(clip: ClipSpec,
                film: FilmSpec,
                fps: float,
                frame_size: tuple[int, int],
                rng: np.random.Generator,
                chunk: int = CHUNK_FRAMES) -> Iterator[np.ndarray]:
    """Yield the clip's RGB frames in order, as uint8 ``(t, H, W, 3)`` chunks.

    Each shot draws a new layout (texture phases, shapes) that moves at the
    clip's speed; the whole clip shares one colour grade. ``frame_size`` is
    ``(height, width)``; :func:`make_synthetic_liris` passes
    ``clip_rng(seed, clip.id)`` as ``rng``.
    """
    height = frame_size[0]
    tint = TINT_COOL + (TINT_WARM - TINT_COOL) * (clip.warmth + 1) / 2
    gain = GAIN_RANGE[0] + (GAIN_RANGE[1] - GAIN_RANGE[0]) * (
        clip.brightness + 1) / 2
    speed = height * SPEED_RANGE[0] * (SPEED_RANGE[1] /
                                       SPEED_RANGE[0])**clip.speed
    bounds = clip.shot_starts + (clip.num_frames, )
    for first, stop in zip(bounds[:-1], bounds[1:]):
        shot = _Shot.sample(rng, film, frame_size, speed)
        for begin in range(first, stop, chunk):
            t = np.arange(begin - first, min(begin + chunk, stop) - first,
                          dtype=np.float32) / fps
            content = shot.render(t)
            grain = film.grain * rng.standard_normal(content.shape[1:],
                                                     dtype=np.float32)
            graded = np.empty(content.shape[1:] + (3, ), dtype=np.uint8)
            for c in range(3):
                channel = gain * ((1 - TINT_STRENGTH) * content[c] +
                                  TINT_STRENGTH * tint[c]) + grain
                graded[..., c] = np.clip(np.rint(channel * 255), 0, 255)
            yield graded


def render_sound(clip: ClipSpec,
                 film: FilmSpec,
                 fps: float,
                 rng: np.random.Generator,
                 sample_rate: int = AUDIO_SAMPLE_RATE) -> np.ndarray:
    """The clip's soundtrack, mono float32 ``(samples,)`` in [-1, 1], as
    long as its frames.

    A rumble (white noise low-passed at 200 Hz) and a percussive hit at each
    onset (white noise decaying in ``HIT_DECAY`` s), both as loud as the
    clip's ``loudness`` says, over the film's hiss and 1-3 steady tones
    drawn here. :func:`make_synthetic_liris` passes ``sound_rng(seed,
    clip.id)`` as ``rng``.
    """
    num_samples = int(round(clip.num_frames / fps * sample_rate))
    t = np.arange(num_samples) / sample_rate
    sound = film.hiss * rng.standard_normal(num_samples)
    for _ in range(int(rng.integers(1, 4))):
        freq = TONE_HZ[0] * (TONE_HZ[1] / TONE_HZ[0])**rng.random()
        sound += _amplitude(rng.uniform(*TONE_DB)) * np.sin(
            2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi))
    peak = _amplitude(HIT_PEAK_DB[0] + np.ptp(HIT_PEAK_DB) * clip.loudness)
    rumble = scipy.signal.lfilter(
        *scipy.signal.butter(2, 200, fs=sample_rate),
        rng.standard_normal(num_samples))
    sound += peak * _amplitude(RUMBLE_DB) * rumble / rumble.std()
    hit_len = int(5 * HIT_DECAY * sample_rate)
    envelope = np.exp(-np.arange(hit_len) / (HIT_DECAY * sample_rate))
    for onset in clip.onset_times:
        first = int(round(onset * sample_rate))
        hit = envelope[:num_samples - first] * rng.uniform(
            -1, 1, min(hit_len, num_samples - first))
        sound[first:first + len(hit)] += peak * hit
    return np.clip(sound, -1, 1).astype(np.float32)


def make_synthetic_liris(
    out_dir: str | Path,
    num_films: int = 16,
    clips_per_film: int = 4,
    duration_range: tuple[float, float] = (8.0, 12.0),
    fps: float = 25.0,
    frame_size: tuple[int, int] = (96, 128),
    seed: int = 0,
    num_annotators: int = 25,
    annotator_variance_range: tuple[float, float] = (0.1, 0.4),
    overwrite: bool = False,
    codec: str = 'mp4v',
    gop: int = 250,
    audio: bool = True,
    sound_arousal: float = 0.0,
) -> Path:
    """Write a synthetic LIRIS-ACCEDE-shaped dataset and return its root.

    Args:
        out_dir: Dataset root (``ROOT``); created if missing.
        num_films: Number of source films, a positive multiple of 4.
        clips_per_film: Excerpts per film.
        duration_range: Min and max clip duration in seconds.
        fps: Frame rate of the clips.
        frame_size: ``(height, width)`` of the clips, even and >= 16; widths
            that decord misreads (``DECORD_BAD_WIDTHS``) are refused.
        seed: Seed of every random choice; equal seeds give equal datasets.
        num_annotators: Simulated annotators averaged into each value.
        annotator_variance_range: Range of the per-clip annotator variance.
        overwrite: Replace the generated files of a dataset already in
            ``out_dir``; without it a non-empty ``out_dir`` is refused.
        codec: ``'mp4v'`` (MPEG-4 Part 2 by OpenCV) or ``'h264'`` (libx264
            by PyAV, as the real clips are coded).
        gop: With ``'h264'``, the most frames between keyframes (x264 adds
            one at each scene cut).
        audio: Give each clip its soundtrack (AAC); ``False`` writes clips
            without an audio stream.
        sound_arousal: Share of arousal the sound causes, in [0, 1]; the
            rest is motion. 0 leaves the sound a nuisance.

    Raises:
        ValueError: An argument is out of range.
        FileExistsError: ``out_dir`` is not empty and ``overwrite`` is False.
    """
    if len(frame_size) != 2 or not all(
            isinstance(v, (int, np.integer)) and v >= 16 and v % 2 == 0
            for v in frame_size):
        raise ValueError('frame_size must be (height, width), even integers '
                         f'>= 16, got {frame_size!r}')
    if codec not in CODECS:
        raise ValueError(f'codec must be one of {CODECS}, got {codec!r}')
    if isinstance(gop, bool) or not isinstance(gop, (int, np.integer)) \
            or gop < 1:
        raise ValueError(f'gop must be an integer >= 1, got {gop!r}')
    height, width = frame_size
    if width in DECORD_BAD_WIDTHS:
        raise ValueError(f'frame_size {frame_size!r} has a width that '
                         'decord 0.6 decodes as 4-channel frames '
                         '(dmlc/decord#336); avoid widths '
                         f'{sorted(DECORD_BAD_WIDTHS)}')
    films, clips = sample_liris_specs(num_films, clips_per_film,
                                      duration_range, fps, seed,
                                      num_annotators,
                                      annotator_variance_range,
                                      sound_arousal)
    root = Path(out_dir)
    data_dir = root / 'LIRIS-ACCEDE-data'
    ann_dir = root / 'LIRIS-ACCEDE-annotations' / 'annotations'
    if root.is_dir() and any(root.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f'{root} is not empty; pass overwrite=True to replace the '
                'synthetic dataset in it')
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(ann_dir.parent, ignore_errors=True)
        (root / 'synthetic_causes.csv').unlink(missing_ok=True)
    (data_dir / 'data').mkdir(parents=True)
    ann_dir.mkdir(parents=True)

    for clip in clips:
        frames = render_clip(clip, films[clip.film], fps, frame_size,
                             clip_rng(seed, clip.id))
        sound = render_sound(clip, films[clip.film], fps,
                             sound_rng(seed, clip.id)) if audio else None
        path = data_dir / 'data' / clip.name
        if codec == 'h264':
            _write_h264(path, frames, fps, (width, height), gop, sound)
        else:
            _write_video(path, frames, fps, (width, height), sound)
    _write_xml(data_dir / 'ACCEDEdescription.xml', 'ACCEDEdescription',
               [{
                   'id': c.id,
                   'name': c.name,
                   'license': LICENSE,
                   'movie': films[c.film].movie,
                   'start': c.start,
                   'end': c.end
               } for c in clips])
    _write_xml(data_dir / 'ACCEDEmovies.xml', 'ACCEDEmovies', [{
        'movie': f.movie,
        'title': f.title,
        'license': LICENSE,
        'credits': f'emovid_mm synthetic LIRIS-ACCEDE generator, seed {seed}',
        'genre': f.genre,
        'language': f.language,
        'length': _hms(f.length / fps),
        'excerpts': clips_per_film
    } for f in films])
    valence_ranks = _ranks([c.valence for c in clips])
    arousal_ranks = _ranks([c.arousal for c in clips])
    _write_table(ann_dir / 'ACCEDEranking.txt', RANKING_HEADER,
                 [(c.id, c.name, vr, ar, c.valence, c.arousal,
                   c.valence_variance, c.arousal_variance)
                  for c, vr, ar in zip(clips, valence_ranks, arousal_ranks)])
    _write_table(ann_dir / 'ACCEDEsets.txt', SETS_HEADER,
                 [(c.id, c.name, films[c.film].split) for c in clips])
    _write_table(root / 'synthetic_causes.csv', CAUSES_HEADER,
                 [(c.id, c.name, films[c.film].movie, films[c.film].split,
                   c.num_frames / fps, c.num_frames, c.warmth, c.brightness,
                   c.speed, c.num_cuts, c.num_cuts * fps / c.num_frames,
                   c.loudness, c.num_onsets,
                   c.num_onsets * fps / c.num_frames, float(sound_arousal),
                   c.valence_clean, c.arousal_clean, c.valence, c.arousal,
                   c.valence_variance, c.arousal_variance) for c in clips],
                 delimiter=',')
    return root


def clip_rng(seed: int, clip_id: int) -> np.random.Generator:
    """The generator that :func:`make_synthetic_liris` renders a clip with."""
    return _stream_rng(seed, clip_id)


def sound_rng(seed: int, clip_id: int) -> np.random.Generator:
    """The generator that :func:`make_synthetic_liris` renders a clip's sound
    with."""
    return _stream_rng(seed, clip_id, _SOUND_RENDER)


def _stream_rng(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream of ``seed`` for ``key``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


@dataclass(frozen=True)
class _Shot:
    """Layout of one shot: a drifting grating texture under moving shapes."""

    frame_size: tuple[int, int]
    base_level: float
    wave_vectors: np.ndarray  # (G, 2) radians per pixel along (x, y)
    amplitudes: np.ndarray  # (G, )
    phases: np.ndarray  # (G, )
    drift: np.ndarray  # (2, ) texture velocity, pixels per second
    centres: np.ndarray  # (K, 2) (x, y) at the start of the shot
    velocities: np.ndarray  # (K, 2) pixels per second
    radii: np.ndarray  # (K, )
    squares: np.ndarray  # (K, ) bool
    colours: np.ndarray  # (K, 3) RGB in [0, 1]

    @classmethod
    def sample(cls, rng: np.random.Generator, film: FilmSpec,
               frame_size: tuple[int, int], speed: float) -> _Shot:
        """Draw a layout; ``speed`` is the clip's speed in pixels/second."""
        height, width = frame_size
        cycles = np.array([g[:2] for g in film.gratings], dtype=np.float64)
        num_shapes = max(1, film.num_shapes + int(rng.integers(-1, 2)))
        angles = rng.uniform(0, 2 * np.pi, num_shapes + 1)
        directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        return cls(
            frame_size=frame_size,
            base_level=film.base_level,
            wave_vectors=_f32(2 * np.pi * cycles / [width, height]),
            amplitudes=_f32([g[2] for g in film.gratings]),
            phases=_f32(rng.uniform(0, 2 * np.pi, len(film.gratings))),
            drift=_f32(speed * directions[0]),
            centres=_f32(rng.uniform(0, [width, height], (num_shapes, 2))),
            velocities=_f32(speed * rng.uniform(0.75, 1.25, (num_shapes, 1)) *
                            directions[1:]),
            radii=_f32(film.shape_scale * height *
                       rng.uniform(0.7, 1.3, num_shapes)),
            squares=rng.random(num_shapes) < film.square_prob,
            colours=_f32(rng.uniform(0.05, 0.95, (num_shapes, 3))))

    def render(self, t: np.ndarray) -> np.ndarray:
        """Ungraded RGB frames in [0, 1] at times ``t`` (seconds into shot).

        Gratings have whole cycles across the frame and shapes wrap around
        its edges, so translation leaves each frame's statistics unchanged.
        Returns a channel-first ``(3, T, H, W)`` float32 array.
        """
        height, width = self.frame_size
        x = np.arange(width, dtype=np.float32)
        y = np.arange(height, dtype=np.float32)
        luma = np.full((len(t), height, width), self.base_level, np.float32)
        for k, amp, phase in zip(self.wave_vectors, self.amplitudes,
                                 self.phases):
            # sin(kx x + ky y - k.v t + phase), separated along x
            row_phase = k[1] * y + (phase - (k @ self.drift) * t)[:, None]
            luma += (amp * np.sin(row_phase))[..., None] * np.cos(k[0] * x)
            luma += (amp * np.cos(row_phase))[..., None] * np.sin(k[0] * x)
        channels = np.repeat(luma[None], 3, axis=0)
        positions = self.centres + self.velocities * t[:, None, None]
        dx = _wrap(x - positions[..., 0, None], width)  # (T, K, W)
        dy = _wrap(y - positions[..., 1, None], height)  # (T, K, H)
        for k, radius in enumerate(self.radii):
            if self.squares[k]:
                alpha = np.minimum(
                    np.clip(radius + 0.5 - np.abs(dy[:, k, :, None]), 0, 1),
                    np.clip(radius + 0.5 - np.abs(dx[:, k, None, :]), 0, 1))
            else:  # radius - distance, to first order at the rim
                sq_dist = np.square(dy[:, k, :, None]) + np.square(
                    dx[:, k, None, :])
                alpha = np.clip(
                    (radius * radius - sq_dist) / (2 * radius) + 0.5, 0, 1)
            for channel, value in zip(channels, self.colours[k]):
                channel += alpha * (value - channel)
        return channels


def _sample_clip(rng: np.random.Generator, clip_id: int, film: int,
                 start: int, duration_range: tuple[float, float], fps: float,
                 valence_mood: float, arousal_mood: float,
                 num_annotators: int, variance_range: tuple[float, float],
                 sound_rng: np.random.Generator, sound_mood: float,
                 sound_arousal: float) -> ClipSpec:
    """Draw one clip's causes, cuts, onsets and labels.

    The realised cut and onset rates, not the targets drawn for them, drive
    arousal. The sound's causes come from ``sound_rng`` so that ``rng`` draws
    the same numbers whatever the sound.
    """
    num_frames = _frames(rng.uniform(*duration_range), fps)
    duration = num_frames / fps
    loudness, onset_target = (sound_mood + sound_rng.uniform(-0.4, 0.4, 2) +
                              1) / 2
    num_onsets = int(onset_target * MAX_ONSET_RATE * duration +
                     sound_rng.random())
    # One onset at a random place in the middle half of each of num_onsets
    # equal slots: hits at least a quarter slot apart.
    onset_times = tuple(
        float(t) for t in (np.arange(num_onsets) + sound_rng.uniform(
            0.25, 0.75, num_onsets)) * duration / max(num_onsets, 1))
    onset_level = min(num_onsets / duration / MAX_ONSET_RATE, 1.0)
    warmth, brightness = valence_mood + rng.uniform(-0.4, 0.4, 2)
    speed, cut_target = (arousal_mood + rng.uniform(-0.4, 0.4, 2) + 1) / 2
    min_shot = max(1, _frames(MIN_SHOT, fps))
    expected_cuts = cut_target * MAX_CUT_RATE * duration
    num_cuts = max(  # rounded up or down at random, keeping the mean
        0, min(int(expected_cuts + rng.random()), num_frames // min_shot - 1))
    slack = num_frames - (num_cuts + 1) * min_shot
    shot_starts = (0, ) + tuple(
        int(s) for s in min_shot * np.arange(1, num_cuts + 1) +
        np.sort(rng.integers(0, slack + 1, num_cuts)))
    cut_level = min(num_cuts / duration / MAX_CUT_RATE, 1.0)
    valence_clean = VALENCE_RANGE[0] + np.ptp(VALENCE_RANGE) * (
        1 + VALENCE_WEIGHTS[0] * warmth + VALENCE_WEIGHTS[1] * brightness) / 2
    motion = AROUSAL_WEIGHTS[0] * speed + AROUSAL_WEIGHTS[1] * cut_level
    sound = SOUND_WEIGHTS[0] * loudness + SOUND_WEIGHTS[1] * onset_level
    arousal_clean = AROUSAL_RANGE[0] + np.ptp(AROUSAL_RANGE) * (
        (1 - sound_arousal) * motion + sound_arousal * sound)
    variances = rng.uniform(*variance_range, 2)
    noisy = np.array([valence_clean, arousal_clean]) + rng.normal(
        0, np.sqrt(variances / num_annotators))
    valence, arousal = np.round(
        np.clip(noisy, [VALENCE_RANGE[0], AROUSAL_RANGE[0]],
                [VALENCE_RANGE[1], AROUSAL_RANGE[1]]), 6)
    return ClipSpec(id=clip_id,
                    film=film,
                    start=start,
                    num_frames=num_frames,
                    warmth=float(warmth),
                    brightness=float(brightness),
                    speed=float(speed),
                    shot_starts=shot_starts,
                    loudness=float(loudness),
                    onset_times=onset_times,
                    valence_clean=float(valence_clean),
                    arousal_clean=float(arousal_clean),
                    valence=float(valence),
                    arousal=float(arousal),
                    valence_variance=float(np.round(variances[0], 6)),
                    arousal_variance=float(np.round(variances[1], 6)))


def _check_args(num_films: int, clips_per_film: int,
                duration_range: Sequence[float], fps: float, seed: int,
                num_annotators: int, variance_range: Sequence[float],
                sound_arousal: float) -> None:
    """Raise ValueError naming the first bad argument."""
    for name, value in (('num_films', num_films),
                        ('clips_per_film', clips_per_film), ('seed', seed),
                        ('num_annotators', num_annotators)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f'{name} must be an integer, got {value!r}')
    if num_films < 4 or num_films % 4:
        raise ValueError('num_films must be a positive multiple of 4 (half '
                         'test, a quarter learning, a quarter validation), '
                         f'got {num_films!r}')
    if clips_per_film < 1:
        raise ValueError(
            f'clips_per_film must be >= 1, got {clips_per_film!r}')
    if num_films * clips_per_film > 100_000:
        raise ValueError('at most 100000 clips fit the ACCEDE%05d names, got '
                         f'{num_films} x {clips_per_film}')
    if seed < 0:
        raise ValueError(f'seed must be >= 0, got {seed!r}')
    if num_annotators < 1:
        raise ValueError(
            f'num_annotators must be >= 1, got {num_annotators!r}')
    if not 0 < fps < math.inf:
        raise ValueError(f'fps must be positive and finite, got {fps!r}')
    if len(duration_range) != 2 or not (
            0 < duration_range[0] <= duration_range[1] < math.inf):
        raise ValueError('duration_range must be (min, max) with 0 < min <= '
                         f'max, got {duration_range!r}')
    if duration_range[0] * fps < 1:
        raise ValueError(f'duration_range {duration_range!r} at fps {fps!r} '
                         'gives clips shorter than one frame')
    if len(variance_range) != 2 or not (
            0 < variance_range[0] <= variance_range[1] < math.inf):
        raise ValueError('annotator_variance_range must be (min, max) with '
                         f'0 < min <= max, got {variance_range!r}')
    if not 0 <= sound_arousal <= 1:
        raise ValueError('sound_arousal must be in [0, 1] (the share of '
                         f'arousal caused by sound), got {sound_arousal!r}')


def _amplitude(decibels: float) -> float:
    """Amplitude of a level in dB full scale."""
    return 10**(decibels / 20)


def _f32(values: object) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _frames(seconds: float, fps: float) -> int:
    return int(round(seconds * fps))


def _wrap(delta: np.ndarray, period: int) -> np.ndarray:
    """Signed offsets on a circle of ``period`` pixels, in [-period/2, ...)."""
    return (delta + period / 2) % period - period / 2


def _ranks(values: Sequence[float]) -> np.ndarray:
    """Rank 0 for the lowest value; ties broken by id."""
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[np.argsort(values, kind='stable')] = np.arange(len(values))
    return ranks


def _hms(seconds: float) -> str:
    total = math.ceil(seconds)
    return f'{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}'


def _write_video(path: Path, chunks: Iterator[np.ndarray], fps: float,
                 size: tuple[int, int], sound: np.ndarray | None) -> None:
    """Encode RGB chunks as an mp4v video of ``size`` = (width, height), and
    the ``sound`` (if any) as AAC: OpenCV writes the video, PyAV copies its
    stream next to the sound."""
    video_path = path.with_name(path.stem + '.video.mp4')
    writer = cv2.VideoWriter(
        str(path if sound is None else video_path),
        cv2.VideoWriter_fourcc(*'mp4v'), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write mp4v video to {path}')
    try:
        for chunk in chunks:
            for frame in np.ascontiguousarray(chunk[..., ::-1]):
                writer.write(frame)
    finally:
        writer.release()
    if sound is None:
        return
    with av.open(str(video_path)) as source, av.open(str(path),
                                                     'w') as container:
        video = container.add_stream_from_template(source.streams.video[0])
        audio = _add_sound_stream(container)
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is not None:
                packet.stream = video
                container.mux(packet)
        _encode_sound(container, audio, sound)
    video_path.unlink()


def _write_h264(path: Path, chunks: Iterator[np.ndarray], fps: float,
                size: tuple[int, int], gop: int,
                sound: np.ndarray | None) -> None:
    """Encode RGB chunks as H.264 (libx264, yuv420p) of ``size`` = (width,
    height), a keyframe at least every ``gop`` frames, and the ``sound`` (if
    any) as AAC."""
    with av.open(str(path), 'w') as container:
        stream = container.add_stream(
            'libx264',
            rate=Fraction(fps).limit_denominator(1001),
            options=dict(g=str(gop)))
        stream.width, stream.height = size
        stream.pix_fmt = 'yuv420p'
        audio = None if sound is None else _add_sound_stream(container)
        for chunk in chunks:
            for frame in chunk:
                container.mux(
                    stream.encode(av.VideoFrame.from_ndarray(frame, 'rgb24')))
        container.mux(stream.encode())
        if audio is not None:
            _encode_sound(container, audio, sound)


def _add_sound_stream(
        container: av.container.OutputContainer) -> av.audio.AudioStream:
    """A mono AAC stream at ``AUDIO_SAMPLE_RATE`` in ``container``."""
    return container.add_stream('aac', rate=AUDIO_SAMPLE_RATE,
                                layout='mono')


def _encode_sound(container: av.container.OutputContainer,
                  stream: av.audio.AudioStream, sound: np.ndarray) -> None:
    """Encode mono ``sound`` into ``stream``, starting with the video."""
    frame = av.AudioFrame.from_ndarray(sound[None], format='fltp',
                                       layout='mono')
    frame.sample_rate = AUDIO_SAMPLE_RATE
    frame.pts = 0
    container.mux(stream.encode(frame))
    container.mux(stream.encode())


def _write_xml(path: Path, root_tag: str,
               records: list[dict[str, object]]) -> None:
    root = ET.Element(root_tag)
    for record in records:
        media = ET.SubElement(root, 'media')
        for tag, value in record.items():
            ET.SubElement(media, tag).text = str(value)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding='utf-8', xml_declaration=True)


def _write_table(path: Path,
                 header: Sequence[str],
                 rows: list[Sequence[object]],
                 delimiter: str = '\t') -> None:
    """Write delimited text with floats to 6 decimals and ``\\n`` newlines."""
    lines = [delimiter.join(header)]
    lines += [
        delimiter.join(f'{v:.6f}' if isinstance(v, float) else str(v)
                       for v in row) for row in rows
    ]
    path.write_text('\n'.join(lines) + '\n')
