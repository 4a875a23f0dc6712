"""emovid_mm.datasets.clip_store and LIRISACCEDEDataset reading a clip store
(``data_prefix['store']``), on the tiny generated clips: the store keeps the
frames that the video pipeline samples at 5 fps, a restart finishes an
interrupted store, unreadable videos are named, and the dataset names what
the store lacks."""
import re
import shutil
from pathlib import Path

import mmcv
import numpy as np
import pytest
from mmaction.registry import DATASETS, TRANSFORMS
from mmengine.config import Config

from conftest import REPO, VIDEOS
from emovid_mm.datasets import LIRISACCEDEDataset
from emovid_mm.datasets.clip_store import (CLIP_FILE, clip_folder,
                                           load_clip_index, prepare_clip_store,
                                           read_frames)
from emovid_mm.datasets.liris_accede_dataset import BadClipsError

#: Every clip of the tiny data (sets 0, 1 and 2).
ALL = [0, 1, 2]
#: The largest mean absolute difference, in grey levels, between a stored
#: frame and the decoded video frame it keeps: JPEG quality 95 gives at most
#: 2.6 on the tiny clips' 32x64 frames, whereas two frames one stored step
#: (5 video frames) apart differ by 5 to 7.
TOLERANCE = 3.0
BASES = REPO / 'configs/_base_/datasets'


@pytest.fixture(scope='module')
def store(tiny_liris, tmp_path_factory) -> Path:
    """The tiny clips stored at 5 fps at their size (32x64)."""
    out = tmp_path_factory.mktemp('store') / 'store'
    summary = prepare_clip_store(str(tiny_liris), str(out), short_side=0)
    assert len(summary.written) == 16 and not summary.failed
    return out


def video_pipeline(test_mode: bool) -> list:
    return [
        dict(type='DecordInit'),
        dict(
            type='SegmentSampleFrames',
            num_segments=8,
            target_fps=5,
            test_mode=test_mode),
        dict(type='DecordDecode')
    ]


def store_pipeline(test_mode: bool, target_fps=5) -> list:
    return [
        dict(
            type='SegmentSampleFrames',
            num_segments=8,
            target_fps=target_fps,
            test_mode=test_mode),
        dict(type='RawFrameDecode')
    ]


def dataset(root: Path, pipeline: list, store=None) -> LIRISACCEDEDataset:
    prefix = dict(video=VIDEOS)
    if store is not None:
        prefix['store'] = str(store)
    return LIRISACCEDEDataset(
        str(root),
        pipeline=pipeline,
        split=ALL,
        data_prefix=prefix,
        probe_cache=None)


def mean_error(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float(np.abs(a.astype(np.float64) - b).mean())


@pytest.mark.parametrize('target_fps', [5, None])
@pytest.mark.parametrize('test_mode', [True, False])
def test_the_store_yields_the_frames_the_videos_give_at_5fps(
        tiny_liris, store, test_mode, target_fps):
    """The same video frames (by index, exactly) and pixels (up to JPEG),
    with the same random draws in training."""
    videos = dataset(tiny_liris, video_pipeline(test_mode))
    stored = dataset(tiny_liris, store_pipeline(test_mode, target_fps), store)
    assert len(stored) == len(videos) == 16
    for i in range(len(videos)):
        np.random.seed(i)
        want = videos.prepare_data(i)
        np.random.seed(i)
        got = stored.prepare_data(i)
        index = load_clip_index(str(store), want['name'])
        np.testing.assert_array_equal(
            np.array(index['source_frame_inds'])[got['frame_inds']],
            want['frame_inds'])
        for ours, theirs in zip(got['imgs'], want['imgs']):
            assert mean_error(ours, theirs) <= TOLERANCE, want['name']


@pytest.mark.parametrize('loader', ['train_dataloader', 'test_dataloader'])
def test_the_store_base_reads_what_the_video_base_reads(
        tiny_liris, store, loader):
    """configs/_base_/datasets/liris_accede_store.py against liris_accede.py,
    to the packed 8x3x224x224 inputs and the labels."""

    def build(base: str, **changes) -> LIRISACCEDEDataset:
        cfg = Config.fromfile(BASES / base)[loader].dataset
        cfg.update(data_root=str(tiny_liris), probe_cache=None, **changes)
        return DATASETS.build(cfg)

    videos = build('liris_accede.py')
    stored = build(
        'liris_accede_store.py',
        data_prefix=dict(video=VIDEOS, store=str(store)))
    assert len(stored) == len(videos)
    for i in range(len(videos)):
        np.random.seed(i)
        want = videos.prepare_data(i)
        np.random.seed(i)
        got = stored.prepare_data(i)
        assert got['inputs'].shape == (8, 3, 224, 224)
        assert mean_error(got['inputs'].numpy(),
                          want['inputs'].numpy()) <= TOLERANCE
        np.testing.assert_array_equal(got['data_samples'].gt_values,
                                      want['data_samples'].gt_values)


def test_frames_are_shrunk_as_resize_shrinks_them(tiny_liris):
    """Before JPEG, pixel for pixel: the frames kept at short side 16 are
    the video pipeline's frames through MMAction2's
    ``Resize(scale=(-1, 16), keep_ratio=True, interpolation='area')``; a
    short side longer than the frames' keeps their size."""
    resize = TRANSFORMS.build(
        dict(
            type='Resize',
            scale=(-1, 16),
            keep_ratio=True,
            interpolation='area'))
    videos = dataset(tiny_liris, video_pipeline(test_mode=True))
    for i in range(len(videos)):
        want = resize(videos.prepare_data(i))
        frames, index = read_frames(want['filename'], 5, 16)
        kept = np.searchsorted(index['source_frame_inds'], want['frame_inds'])
        assert frames.shape[1:] == (16, 32, 3)
        np.testing.assert_array_equal(frames[kept], np.stack(want['imgs']))
    frames, index = read_frames(want['filename'], 5, 256)
    assert frames.shape[1:] == (32, 64, 3)
    assert (index['height'], index['width'], index['fps']) == (32, 64, 5.0)


def stored_names(out: Path) -> list:
    return sorted(p.name for p in out.iterdir() if p.is_dir())


def test_a_restart_skips_stored_clips_and_redoes_half_written_ones(
        tiny_liris, tmp_path, monkeypatch):
    out = tmp_path / 'store'
    write, written = mmcv.imwrite, []

    def interrupted(img, path, *args, **kwargs):
        if len(written) == 50:  # in the third clip (15 to 20 frames each)
            raise KeyboardInterrupt
        written.append(path)
        return write(img, path, *args, **kwargs)

    monkeypatch.setattr(mmcv, 'imwrite', interrupted)
    with pytest.raises(KeyboardInterrupt):
        prepare_clip_store(str(tiny_liris), str(out), short_side=0)
    monkeypatch.undo()
    # Only complete clips are left by an interrupted clip.
    assert stored_names(out) == ['ACCEDE00000', 'ACCEDE00001']
    # What a killed run can leave: a clip folder being written, and (by
    # hand) a clip folder without its index.
    (out / '.ACCEDE00002.tmp').mkdir()
    (out / '.ACCEDE00002.tmp' / 'img_00001.jpg').write_bytes(b'half')
    (out / 'ACCEDE00001' / CLIP_FILE).unlink()
    kept = (out / 'ACCEDE00000' / CLIP_FILE).stat().st_mtime_ns

    summary = prepare_clip_store(str(tiny_liris), str(out), short_side=0)
    assert summary.skipped == ['ACCEDE00000.mp4']
    assert len(summary.written) == 15 and not summary.failed
    assert (out / 'ACCEDE00000' / CLIP_FILE).stat().st_mtime_ns == kept
    assert stored_names(out) == [f'ACCEDE{i:05d}' for i in range(16)]
    for name in stored_names(out):
        index = load_clip_index(str(out), f'{name}.mp4')
        assert len(list((out / name).glob('*.jpg'))) == index['frames']
    again = prepare_clip_store(str(tiny_liris), str(out), short_side=0)
    assert (len(again.skipped), again.written) == (16, [])


def test_unreadable_clips_are_named_and_the_others_stored(
        tiny_liris, tmp_path):
    root = tmp_path / 'liris'
    shutil.copytree(tiny_liris, root)
    (root / VIDEOS / 'ACCEDE00003.mp4').write_bytes(b'not a video')
    (root / VIDEOS / 'ACCEDE00007.mp4').unlink()
    out = tmp_path / 'store'
    summary = prepare_clip_store(str(root), str(out), workers=2)
    assert sorted(summary.failed) == ['ACCEDE00003.mp4', 'ACCEDE00007.mp4']
    assert 'Error reading' in summary.failed['ACCEDE00003.mp4']
    assert summary.failed['ACCEDE00007.mp4'] == 'the file is missing'
    assert len(summary.written) == 14
    assert 'ACCEDE00003' not in stored_names(out)
    assert summary.size == sum(p.stat().st_size for p in out.rglob('*')
                               if p.is_file())


def test_a_store_keeps_its_settings(tiny_liris, store):
    with pytest.raises(ValueError, match='other settings'):
        prepare_clip_store(str(tiny_liris), str(store), fps=2.5, short_side=0)
    with pytest.raises(ValueError, match='fps must be > 0'):
        prepare_clip_store(str(tiny_liris), str(store), fps=0)


def test_the_dataset_gives_the_annotations_and_where_the_frames_are(
        tiny_liris, store):
    videos = dataset(tiny_liris, [])
    stored = dataset(tiny_liris, [], store)
    for i in range(len(videos)):
        want, got = videos.get_data_info(i), stored.get_data_info(i)
        for key, value in want.items():
            np.testing.assert_equal(got[key], value)
        index = load_clip_index(str(store), want['name'])
        assert got['frame_dir'] == clip_folder(str(store), want['name'])
        assert (got['total_frames'], got['avg_fps']) == (index['frames'], 5.0)


def test_a_store_needs_no_videos(tiny_liris, store, tmp_path):
    root = tmp_path / 'liris'
    shutil.copytree(tiny_liris, root, ignore=shutil.ignore_patterns('*.mp4'))
    results = dataset(root, store_pipeline(True), store).prepare_data(0)
    assert results['imgs'][0].shape == (32, 64, 3)


def test_clips_missing_from_the_store_are_named_with_the_command(
        tiny_liris, store, tmp_path):
    partial = tmp_path / 'store'
    shutil.copytree(store, partial)
    shutil.rmtree(partial / 'ACCEDE00004')
    with pytest.raises(
            FileNotFoundError,
            match=r"1 of the 16 clips .* missing from the clip store .*"
            r"'ACCEDE00004.mp4'.*prepare_liris.py .* --fps 5 --short-side 0"):
        dataset(tiny_liris, [], partial)
    with pytest.raises(
            FileNotFoundError,
            match=r'No clip store in .*none.*prepare_liris.py \S+ \S+none '
            r'--fps 5`'):
        dataset(tiny_liris, store_pipeline(True), tmp_path / 'none')


def test_the_pipeline_samples_at_the_store_rate(tiny_liris, store):
    with pytest.raises(
            ValueError,
            match=r'holds the frames at 5 fps.*samples at 2.5 fps.*'
            r'prepare_liris.py \S+ NEW_STORE --fps 2.5 --short-side 0'):
        dataset(tiny_liris, store_pipeline(True, target_fps=2.5), store)


def test_short_clips_are_named_as_from_the_videos(tiny_liris, store):
    """18 frames at 5 fps: the clips of 3.0 to 3.5 s are too short."""
    long_sampling = [
        dict(type='SegmentSampleFrames', num_segments=18, target_fps=5)
    ]
    found = []
    for where in (None, store):
        with pytest.raises(BadClipsError) as error:
            dataset(tiny_liris, long_sampling, where)
        found.append(
            re.findall(r'(ACCEDE\d+\.mp4): has (\d+) frames at 5 fps',
                       str(error.value)))
    assert found[0] and found[0] == found[1]
