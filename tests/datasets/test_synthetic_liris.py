"""Tests of the synthetic LIRIS-ACCEDE generator."""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path

import av
import decord
import numpy as np
import pytest
import scipy.signal


from conftest import run
from emovid_mm.datasets.synthetic_liris import (AROUSAL_RANGE,
                                                AUDIO_SAMPLE_RATE,
                                                MAX_ONSET_RATE, VALENCE_RANGE,
                                                ClipSpec, FilmSpec, clip_rng,
                                                make_synthetic_liris,
                                                render_clip, render_sound,
                                                sample_liris_specs, sound_rng)
from emovid_mm.datasets.transforms import ClipAudioDecode

ANNOTATIONS = Path('LIRIS-ACCEDE-annotations', 'annotations')
DATA = Path('LIRIS-ACCEDE-data')
RANKING_HEADER = ('id\tname\tvalenceRank\tarousalRank\tvalenceValue\t'
                  'arousalValue\tvalenceVariance\tarousalVariance')
# 40 films x 2 short clips: enough clips for the cause correlations.
SMALL = dict(num_films=40, clips_per_film=2, duration_range=(2.0, 3.0),
             frame_size=(48, 64), seed=0)
NUM_CLIPS = SMALL['num_films'] * SMALL['clips_per_film']
TINY = dict(num_films=4, clips_per_film=2, duration_range=(1.0, 1.5),
            frame_size=(32, 40))
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline='') as f:
        return list(csv.DictReader(f, delimiter='\t'))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline='') as f:
        return list(csv.DictReader(f))


def read_xml(path: Path, root_tag: str) -> list[dict[str, str]]:
    root = ET.parse(path).getroot()
    assert root.tag == root_tag
    return [{child.tag: child.text for child in media} for media in root]


def decode(path: Path) -> np.ndarray:
    reader = decord.VideoReader(str(path))
    return reader.get_batch(range(len(reader))).asnumpy()


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def render(clip: ClipSpec, film: FilmSpec) -> np.ndarray:
    """All frames of a clip before encoding, as float RGB in 0-255."""
    chunks = render_clip(clip, film, 25.0, (48, 64), clip_rng(0, clip.id))
    return np.concatenate(list(chunks)).astype(np.float32)


@pytest.fixture(scope='module')
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_synthetic_liris(tmp_path_factory.mktemp('liris'), **SMALL)


@pytest.fixture(scope='module')
def causes(root: Path) -> list[dict[str, str]]:
    with (root / 'synthetic_causes.csv').open(newline='') as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope='module')
def frame_stats(root: Path, causes: list[dict[str, str]]) -> dict:
    """Per-clip statistics of the decoded frames, in 0-255 units."""
    stats: dict[str, list[float]] = {'luma': [], 'red_blue': [], 'motion': []}
    for row in causes:
        frames = decode(root / DATA / 'data' / row['name']).astype(np.float32)
        luma = frames @ LUMA
        stats['luma'].append(luma.mean())
        stats['red_blue'].append((frames[..., 0] - frames[..., 2]).mean())
        stats['motion'].append(np.abs(np.diff(luma, axis=0)).mean())
    return {key: np.array(value) for key, value in stats.items()}


def test_layout_and_headers(root: Path) -> None:
    files = {p.relative_to(root).as_posix() for p in root.rglob('*')
             if p.is_file()}
    videos = {
        f'LIRIS-ACCEDE-data/data/ACCEDE{i:05d}.mp4' for i in range(NUM_CLIPS)
    }
    assert files == videos | {
        'LIRIS-ACCEDE-data/ACCEDEdescription.xml',
        'LIRIS-ACCEDE-data/ACCEDEmovies.xml',
        'LIRIS-ACCEDE-annotations/annotations/ACCEDEranking.txt',
        'LIRIS-ACCEDE-annotations/annotations/ACCEDEsets.txt',
        'synthetic_causes.csv',
    }
    ranking = (root / ANNOTATIONS / 'ACCEDEranking.txt').read_text()
    sets = (root / ANNOTATIONS / 'ACCEDEsets.txt').read_text()
    assert ranking.splitlines()[0] == RANKING_HEADER
    assert sets.splitlines()[0] == 'id\tname\tset'
    assert len(ranking.splitlines()) == len(sets.splitlines()) == NUM_CLIPS + 1
    header = (root / 'synthetic_causes.csv').read_text().splitlines()[0]
    assert header.startswith('id,name,film,set,duration,num_frames,warmth,'
                             'brightness,speed,num_cuts,cut_rate,loudness,'
                             'num_onsets,onset_rate,sound_arousal,'
                             'valence_clean,arousal_clean')


def test_ids_names_consistent(root: Path) -> None:
    ranking = read_tsv(root / ANNOTATIONS / 'ACCEDEranking.txt')
    sets = read_tsv(root / ANNOTATIONS / 'ACCEDEsets.txt')
    description = read_xml(root / DATA / 'ACCEDEdescription.xml',
                           'ACCEDEdescription')
    expected = [(str(i), f'ACCEDE{i:05d}.mp4') for i in range(NUM_CLIPS)]
    for rows in (ranking, sets, description):
        assert [(r['id'], r['name']) for r in rows] == expected
    assert list(description[0]) == [
        'id', 'name', 'license', 'movie', 'start', 'end'
    ]


def test_movies_and_excerpts(root: Path) -> None:
    movies = read_xml(root / DATA / 'ACCEDEmovies.xml', 'ACCEDEmovies')
    description = read_xml(root / DATA / 'ACCEDEdescription.xml',
                           'ACCEDEdescription')
    assert list(movies[0]) == [
        'movie', 'title', 'license', 'credits', 'genre', 'language', 'length',
        'excerpts'
    ]
    assert len(movies) == SMALL['num_films']
    per_movie = Counter(d['movie'] for d in description)
    for movie in movies:
        assert per_movie[movie['movie']] == int(movie['excerpts']) == 2
        assert re.fullmatch(r'\d\d:[0-5]\d:[0-5]\d', movie['length'])
        hours, minutes, seconds = map(int, movie['length'].split(':'))
        length = (hours * 3600 + minutes * 60 + seconds) * 25
        excerpts = sorted((int(d['start']), int(d['end']))
                          for d in description
                          if d['movie'] == movie['movie'])
        assert 0 <= excerpts[0][0] and excerpts[-1][1] < length
        assert all(s <= e < next_s for (s, e), (next_s, _) in zip(
            excerpts, excerpts[1:]))


def test_sets_split_films(root: Path) -> None:
    sets = {r['id']: r['set'] for r in
            read_tsv(root / ANNOTATIONS / 'ACCEDEsets.txt')}
    film_sets: dict[str, set[str]] = {}
    for d in read_xml(root / DATA / 'ACCEDEdescription.xml',
                      'ACCEDEdescription'):
        film_sets.setdefault(d['movie'], set()).add(sets[d['id']])
    assert all(len(s) == 1 for s in film_sets.values())
    films_per_set = Counter(s.pop() for s in film_sets.values())
    assert films_per_set == {'0': 20, '1': 10, '2': 10}


def test_ranks_values_variances(root: Path) -> None:
    rows = read_tsv(root / ANNOTATIONS / 'ACCEDEranking.txt')
    for dim, (low, high) in (('valence', VALENCE_RANGE),
                             ('arousal', AROUSAL_RANGE)):
        values = np.array([float(r[f'{dim}Value']) for r in rows])
        ranks = np.array([int(r[f'{dim}Rank']) for r in rows])
        variances = np.array([float(r[f'{dim}Variance']) for r in rows])
        assert sorted(ranks) == list(range(len(rows)))
        assert np.all(np.diff(values[np.argsort(ranks)]) >= 0)
        assert np.all((low <= values) & (values <= high))
        assert np.all((0.1 <= variances) & (variances <= 0.4))
        assert values.std() > 0.2
        assert all(re.fullmatch(r'\d\.\d{6}', r[f'{dim}Value']) for r in rows)


def test_causes_match_annotations(root: Path,
                                  causes: list[dict[str, str]]) -> None:
    ranking = read_tsv(root / ANNOTATIONS / 'ACCEDEranking.txt')
    for cause, rank in zip(causes, ranking):
        assert cause['valence'] == rank['valenceValue']
        assert cause['arousal'] == rank['arousalValue']
        assert cause['valence_variance'] == rank['valenceVariance']
    films, clips = sample_liris_specs(**{
        k: v for k, v in SMALL.items() if k != 'frame_size'})
    assert [c.name for c in clips] == [c['name'] for c in causes]
    assert [f'{c.warmth:.6f}' for c in clips] == [c['warmth'] for c in causes]
    assert [films[c.film].movie for c in clips] == [c['film'] for c in causes]


def test_clean_labels_explain_published_labels() -> None:
    _, clips = sample_liris_specs(num_films=64, clips_per_film=16)
    for dim in ('valence', 'arousal'):
        clean = np.array([getattr(c, f'{dim}_clean') for c in clips])
        published = np.array([getattr(c, dim) for c in clips])
        assert pearson(clean, published) > 0.95


def test_decord_reads_every_clip(root: Path,
                                 causes: list[dict[str, str]]) -> None:
    description = read_xml(root / DATA / 'ACCEDEdescription.xml',
                           'ACCEDEdescription')
    for row, media in zip(causes, description):
        reader = decord.VideoReader(str(root / DATA / 'data' / row['name']))
        assert len(reader) == int(row['num_frames'])
        assert len(reader) == int(media['end']) - int(media['start']) + 1
        assert 2.0 * 25 - 1 <= len(reader) <= 3.0 * 25 + 1
        assert abs(reader.get_avg_fps() - 25.0) < 0.01
        assert reader[0].shape == (48, 64, 3)


def test_deterministic_by_seed(tmp_path: Path) -> None:
    roots = [
        make_synthetic_liris(tmp_path / name, seed=seed, **TINY)
        for name, seed in (('a', 7), ('b', 7), ('c', 8))
    ]
    texts = [
        ANNOTATIONS / 'ACCEDEranking.txt', ANNOTATIONS / 'ACCEDEsets.txt',
        DATA / 'ACCEDEdescription.xml', DATA / 'ACCEDEmovies.xml',
        Path('synthetic_causes.csv')
    ]
    for name in texts:
        assert (roots[0] / name).read_bytes() == (roots[1] / name).read_bytes()
    for video in sorted((roots[0] / DATA / 'data').iterdir()):
        same = roots[1] / DATA / 'data' / video.name
        np.testing.assert_array_equal(decode(video), decode(same))
    ranking = ANNOTATIONS / 'ACCEDEranking.txt'
    assert (roots[0] / ranking).read_text() != (roots[2] / ranking).read_text()


def test_valence_visible_in_single_frames(
        causes: list[dict[str, str]], frame_stats: dict) -> None:
    valence = np.array([float(c['valence']) for c in causes])
    assert pearson(valence, frame_stats['red_blue']) > 0.8
    assert pearson(valence, frame_stats['luma']) > 0.6
    design = np.column_stack(
        [np.ones_like(valence), frame_stats['red_blue'], frame_stats['luma']])
    fit = design @ np.linalg.lstsq(design, valence, rcond=None)[0]
    assert pearson(valence, fit) > 0.9


def test_arousal_visible_in_motion_only(causes: list[dict[str, str]],
                                        frame_stats: dict) -> None:
    arousal = np.array([float(c['arousal']) for c in causes])
    speed = np.array([float(c['speed']) for c in causes])
    assert pearson(arousal, frame_stats['motion']) > 0.5
    assert pearson(speed, frame_stats['motion']) > 0.6
    # What single frames show beyond the valence causes says nothing either.
    valence_causes = np.array([[1.0, float(c['warmth']),
                                float(c['brightness'])] for c in causes])
    for key in ('luma', 'red_blue'):
        stat = frame_stats[key]
        residual = stat - valence_causes @ np.linalg.lstsq(
            valence_causes, stat, rcond=None)[0]
        assert abs(pearson(arousal, stat)) < 0.35
        assert abs(pearson(arousal, residual)) < 0.3


def test_speed_changes_motion_not_frame_statistics() -> None:
    films, clips = sample_liris_specs(num_films=4, clips_per_film=1,
                                      duration_range=(4.0, 4.0))
    for clip in clips:
        still, fast = (render(replace(clip, speed=speed, shot_starts=(0, )),
                              films[clip.film]) for speed in (0.0, 1.0))
        np.testing.assert_array_equal(still[0], fast[0])
        assert abs(still.mean() - fast.mean()) < 2
        assert abs(still.std() - fast.std()) < 1
        frame_means = fast.mean(axis=(1, 2, 3))
        assert frame_means.max() - frame_means.min() < 5
        # Frames 0.2 s apart, as in the paper's 5 fps clips.
        still_motion, fast_motion = (np.abs(np.diff(f[::5], axis=0)).mean()
                                     for f in (still, fast))
        assert fast_motion > 3 * still_motion


def test_cuts_re_lay_out_the_scene() -> None:
    films, clips = sample_liris_specs(num_films=4, clips_per_film=4,
                                      duration_range=(4.0, 4.0))
    cut_clips = [c for c in clips if c.num_cuts][:3]
    assert cut_clips
    for clip in cut_clips:
        frames = render(replace(clip, speed=0.0), films[clip.film])
        change = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2, 3))
        largest = np.argsort(change)[::-1][:clip.num_cuts] + 1
        assert sorted(largest) == list(clip.shot_starts[1:])
        assert np.sort(change)[-clip.num_cuts] > 5 * np.median(change)


@pytest.mark.parametrize('argument, value', [
    ('num_films', 6),
    ('num_films', 0),
    ('clips_per_film', 0),
    ('duration_range', (3.0, 2.0)),
    ('duration_range', (0.0, 2.0)),
    ('fps', 0.0),
    ('frame_size', (47, 64)),
    ('frame_size', (8, 8)),
    ('frame_size', (32, 48)),
    ('seed', -1),
    ('num_annotators', 0),
    ('annotator_variance_range', (0.0, 0.4)),
])
def test_bad_arguments_raise(tmp_path: Path, argument: str,
                             value: object) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(value))):
        make_synthetic_liris(tmp_path / 'out', **{argument: value})
    assert not (tmp_path / 'out').exists()


def test_refuses_non_empty_dir_without_overwrite(tmp_path: Path) -> None:
    (tmp_path / 'notes.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match='overwrite'):
        make_synthetic_liris(tmp_path, **TINY)
    make_synthetic_liris(tmp_path, overwrite=True, **TINY)
    with pytest.raises(FileExistsError):
        make_synthetic_liris(tmp_path, **TINY)
    smaller = dict(TINY, clips_per_film=1)
    make_synthetic_liris(tmp_path, overwrite=True, **smaller)
    assert len(list((tmp_path / DATA / 'data').iterdir())) == 4
    assert (tmp_path / 'notes.txt').read_text() == 'keep me'


@pytest.mark.slow
def test_cli(tmp_path: Path) -> None:
    out_dir = tmp_path / 'cli'
    proc = run('tools/data/make_synthetic_liris.py', '--out-dir',
               str(out_dir), '--num-films', '4', '--clips-per-film', '1',
               '--min-duration', '1', '--max-duration', '1.2', '--height',
               '32', '--width', '40', '--seed', '3')
    assert f'Wrote 4 synthetic clips from 4 films to {out_dir}' in proc.stdout
    assert 'test (set 0): 2 clips' in proc.stdout
    assert 'learning (set 1): 1 clips' in proc.stdout
    assert 'validation (set 2): 1 clips' in proc.stdout
    proc = run('tools/data/make_synthetic_liris.py', '--out-dir',
               str(out_dir), check=False)
    assert proc.returncode == 2 and 'overwrite' in proc.stderr


def read_h264(path: Path) -> tuple[av.video.stream.VideoStream, list[int]]:
    """The video stream of a clip and its keyframes, in display order."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        keyframes = [
            i for i, frame in enumerate(container.decode(stream))
            if frame.key_frame
        ]
    return stream, keyframes


def test_h264_changes_the_coding_only(tmp_path: Path) -> None:
    """LIRIS-like clips: H.264 at the size, rate and GOP asked for, with the
    mp4v dataset's annotations and pictures."""
    kwargs = dict(TINY, duration_range=(2.0, 2.5), seed=1)
    mp4v = make_synthetic_liris(tmp_path / 'mp4v', **kwargs)
    h264 = make_synthetic_liris(tmp_path / 'h264', codec='h264', gop=12,
                                **kwargs)
    for name in (ANNOTATIONS / 'ACCEDEranking.txt',
                 ANNOTATIONS / 'ACCEDEsets.txt',
                 DATA / 'ACCEDEdescription.xml', DATA / 'ACCEDEmovies.xml',
                 Path('synthetic_causes.csv')):
        assert (mp4v / name).read_bytes() == (h264 / name).read_bytes()
    with (h264 / 'synthetic_causes.csv').open(newline='') as f:
        causes = list(csv.DictReader(f))
    for row in causes:
        path = h264 / DATA / 'data' / row['name']
        stream, keyframes = read_h264(path)
        assert stream.codec_context.name == 'h264'
        assert stream.codec_context.pix_fmt == 'yuv420p'
        assert (stream.width, stream.height) == (40, 32)
        assert stream.average_rate == 25
        assert stream.frames == int(row['num_frames'])
        assert keyframes[0] == 0
        assert max(np.diff(keyframes + [stream.frames])) <= 12
        assert len(keyframes) < stream.frames / 4
        frames = decode(path).astype(np.float32)
        assert len(frames) == int(row['num_frames'])
        assert np.abs(frames - decode(mp4v / DATA / 'data' / row['name'])
                      ).mean() < 8


@pytest.mark.parametrize('argument, value', [('codec', 'h265'), ('gop', 0)])
def test_bad_coding_arguments_raise(tmp_path: Path, argument: str,
                                    value: object) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(value))):
        make_synthetic_liris(tmp_path / 'out', **{argument: value})
    assert not (tmp_path / 'out').exists()


@pytest.mark.slow
def test_cli_h264(tmp_path: Path) -> None:
    out_dir = tmp_path / 'cli'
    run('tools/data/make_synthetic_liris.py', '--out-dir', str(out_dir),
        '--num-films', '4', '--clips-per-film', '1', '--min-duration', '1',
        '--max-duration', '1.2', '--height', '32', '--width', '40',
        '--codec', 'h264', '--gop', '10')
    for path in sorted((out_dir / DATA / 'data').iterdir()):
        stream, keyframes = read_h264(path)
        assert stream.codec_context.name == 'h264'
        assert max(np.diff(keyframes + [stream.frames])) <= 10


def sound_of(path: Path, num_frames: int) -> np.ndarray:
    """The clip's sound as the models get it, over its frames' span."""
    return ClipAudioDecode(sample_rate=AUDIO_SAMPLE_RATE)(
        dict(filename=str(path), total_frames=num_frames,
             avg_fps=25.0))['audio']


def hits(sound: np.ndarray) -> tuple[int, float]:
    """The percussive hits heard: their number and the loudest, in dB (the
    envelope above 4 kHz, where the hiss is 10 dB below the quietest hit and
    no tone reaches)."""
    highpass = scipy.signal.butter(4, 4000, 'highpass', fs=AUDIO_SAMPLE_RATE,
                                   output='sos')
    power = np.convolve(
        scipy.signal.sosfilt(highpass, sound)**2, np.full(80, 1 / 80), 'same')
    level = 10 * np.log10(power + 1e-18)
    peaks, _ = scipy.signal.find_peaks(level, prominence=12,
                                       distance=AUDIO_SAMPLE_RATE // 20)
    return len(peaks), float(level.max())


@pytest.fixture(scope='module')
def sound_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_synthetic_liris(
        tmp_path_factory.mktemp('liris_sound'), sound_arousal=0.5, **SMALL)


def test_every_clip_has_its_sound_aligned_with_its_frames(
        sound_root: Path) -> None:
    """AAC, mono, 16 kHz, in the clip's mp4; decoded over the frames' span it
    is the rendered sound, sample for sample (up to AAC's loss)."""
    films, clips = sample_liris_specs(sound_arousal=0.5, **{
        k: v
        for k, v in SMALL.items() if k != 'frame_size'
    })
    for clip in clips[:6]:
        path = sound_root / DATA / 'data' / clip.name
        with av.open(str(path)) as container:
            (stream, ) = container.streams.audio
            assert stream.codec_context.name == 'aac'
            assert stream.rate == AUDIO_SAMPLE_RATE
            assert stream.layout.name == 'mono'
        decoded = sound_of(path, clip.num_frames)
        rendered = render_sound(clip, films[clip.film], 25.0,
                                sound_rng(0, clip.id))
        assert len(decoded) == len(rendered) == round(
            clip.num_frames / 25.0 * AUDIO_SAMPLE_RATE)
        lags = scipy.signal.correlation_lags(len(decoded), len(rendered))
        assert lags[np.argmax(
            scipy.signal.correlate(decoded, rendered))] == 0
        assert pearson(decoded, rendered) > 0.99


def test_sound_leaves_frames_and_labels_alone(tmp_path: Path) -> None:
    """Clips with and without sound decode to the same frames and, with the
    sound a nuisance, have the same labels; sound_arousal only changes
    arousal."""
    silent = make_synthetic_liris(tmp_path / 'silent', audio=False, **TINY)
    sound = make_synthetic_liris(tmp_path / 'sound', **TINY)
    caused = make_synthetic_liris(tmp_path / 'caused', sound_arousal=0.5,
                                  **TINY)
    for name in (ANNOTATIONS / 'ACCEDEranking.txt',
                 ANNOTATIONS / 'ACCEDEsets.txt',
                 DATA / 'ACCEDEdescription.xml', DATA / 'ACCEDEmovies.xml',
                 Path('synthetic_causes.csv')):
        assert (silent / name).read_bytes() == (sound / name).read_bytes()
    for video in sorted((silent / DATA / 'data').iterdir()):
        with av.open(str(video)) as container:
            assert not container.streams.audio
        frames = decode(video)
        for other in (sound, caused):
            np.testing.assert_array_equal(
                frames, decode(other / DATA / 'data' / video.name))
    plain = read_tsv(sound / ANNOTATIONS / 'ACCEDEranking.txt')
    with_sound = read_tsv(caused / ANNOTATIONS / 'ACCEDEranking.txt')
    assert [r['valenceValue'] for r in plain] == [
        r['valenceValue'] for r in with_sound
    ]
    assert [r['arousalValue'] for r in plain] != [
        r['arousalValue'] for r in with_sound
    ]


def test_sound_causes_arousal_as_documented(
        sound_root: Path) -> None:
    """arousal_clean is the documented mix of motion and sound, and both
    sound causes can be heard: the hits' number and their peak level."""
    rows = read_csv(sound_root / 'synthetic_causes.csv')
    heard = [
        hits(
            sound_of(sound_root / DATA / 'data' / row['name'],
                     int(row['num_frames']))) for row in rows
    ]
    col = {k: np.array([float(r[k]) for r in rows]) for k in rows[0]
           if k not in ('name', 'film')}
    assert set(col['sound_arousal']) == {0.5}
    motion = 0.6 * col['speed'] + 0.4 * np.minimum(col['cut_rate'] / 0.5, 1)
    sound = 0.5 * col['loudness'] + 0.5 * np.minimum(
        col['onset_rate'] / MAX_ONSET_RATE, 1)
    np.testing.assert_allclose(
        col['arousal_clean'],
        AROUSAL_RANGE[0] + np.ptp(AROUSAL_RANGE) * (0.5 * motion + 0.5 * sound),
        atol=2e-6)
    np.testing.assert_allclose(col['onset_rate'],
                               col['num_onsets'] / col['duration'], atol=1e-5)
    counts = np.array([h[0] for h in heard])
    assert np.mean(counts == col['num_onsets']) > 0.9
    assert pearson(counts, col['num_onsets']) > 0.95
    played = col['num_onsets'] > 0
    assert pearson(col['loudness'][played],
                   np.array([h[1] for h in heard])[played]) > 0.95
    # The sound has a mood of its own: it says nothing of the pictures.
    for visual in ('speed', 'warmth', 'brightness', 'cut_rate'):
        assert abs(pearson(sound, col[visual])) < 0.3, visual


def test_sound_is_deterministic_by_seed(tmp_path: Path) -> None:
    roots = [
        make_synthetic_liris(tmp_path / name, seed=seed, **TINY)
        for name, seed in (('a', 7), ('b', 7), ('c', 8))
    ]
    rows = read_csv(roots[0] / 'synthetic_causes.csv')
    for row in rows:
        a, b, c = (sound_of(root / DATA / 'data' / row['name'],
                            int(row['num_frames'])) for root in roots)
        np.testing.assert_array_equal(a, b)
        assert len(a) != len(c) or not np.array_equal(a, c)


@pytest.mark.parametrize('value', [-0.1, 1.5])
def test_bad_sound_arousal_raises(tmp_path: Path, value: float) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(value))):
        make_synthetic_liris(tmp_path / 'out', sound_arousal=value)
    assert not (tmp_path / 'out').exists()


@pytest.mark.slow
def test_cli_sound(tmp_path: Path) -> None:
    args = ('--num-films', '4', '--clips-per-film', '1', '--min-duration',
            '1', '--max-duration', '1.2', '--height', '32', '--width', '40')
    run('tools/data/make_synthetic_liris.py', '--out-dir',
        str(tmp_path / 'caused'), '--sound-arousal', '0.5', *args)
    run('tools/data/make_synthetic_liris.py', '--out-dir',
        str(tmp_path / 'silent'), '--no-audio', *args)
    assert {r['sound_arousal'] for r in read_csv(tmp_path / 'caused' / 'synthetic_causes.csv')
            } == {'0.500000'}
    for path in sorted((tmp_path / 'silent' / DATA / 'data').iterdir()):
        with av.open(str(path)) as container:
            assert not container.streams.audio
        with av.open(str(tmp_path / 'caused' / DATA / 'data' /
                         path.name)) as container:
            assert container.streams.audio
    proc = run('tools/data/make_synthetic_liris.py', '--out-dir',
               str(tmp_path / 'bad'), '--sound-arousal', '2', check=False)
    assert proc.returncode == 2 and 'sound_arousal' in proc.stderr
