"""Frame counts and rates from the container, as decord reports them, and
their cache."""
import json
import os
from fractions import Fraction

import av
import decord
import numpy as np
import pytest

from emovid_mm.datasets import LIRISACCEDEDataset, video_probe
from emovid_mm.datasets.video_probe import (VideoProbe, probe_video,
                                            probe_videos)


def write_video(path, codec='libx264', rate=25, frames=20):
    with av.open(str(path), 'w') as container:
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = 64, 32, 'yuv420p'
        for i in range(frames):
            image = np.full((32, 64, 3), i * 7 % 256, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format='rgb24')
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


@pytest.mark.parametrize('name,codec,rate', [
    ('h264.mp4', 'libx264', 25),
    ('ntsc.mp4', 'libx264', Fraction(30000, 1001)),
    ('mpeg4.avi', 'mpeg4', 24),
    ('h264.mkv', 'libx264', 25),  # no frame count: packets are counted
    ('vp8.webm', 'libvpx', 30),
])
def test_probe_agrees_with_decord(tmp_path, name, codec, rate):
    path = str(write_video(tmp_path / name, codec, rate, frames=23))
    reader = decord.VideoReader(path)
    assert probe_video(path) == VideoProbe(len(reader), reader.get_avg_fps())
    assert len(reader) == 23


def test_synthetic_clips_agree_with_decord(tiny_liris):
    paths = sorted(str(p) for p in tiny_liris.rglob('*.mp4'))
    probes = probe_videos(paths)
    for path in paths:
        reader = decord.VideoReader(path)
        assert probes[path] == (len(reader), reader.get_avg_fps(), None)


@pytest.mark.parametrize('data,error', [(b'', 'Invalid data'),
                                        (b'not a video' * 100,
                                         'Invalid data')])
def test_unreadable_file(tmp_path, data, error):
    path = tmp_path / 'bad.mp4'
    path.write_bytes(data)
    probe = probe_video(str(path))
    assert probe.frames == 0 and error in probe.error


def test_cache_is_reused_until_the_file_changes(tmp_path, monkeypatch):
    paths = [str(write_video(tmp_path / f'{i}.mp4', frames=10 + i))
             for i in range(3)]
    cache = str(tmp_path / 'cache.json')
    first = probe_videos(paths, cache)
    assert [first[p].frames for p in paths] == [10, 11, 12]
    assert set(json.load(open(cache))['clips']) == set(
        map(os.path.abspath, paths))

    opened = []
    monkeypatch.setattr(video_probe, 'probe_video',
                        lambda p: opened.append(p) or VideoProbe(7, 5.0))
    assert probe_videos(paths, cache) == first
    assert opened == []
    write_video(paths[1], frames=30)  # another size
    os.utime(paths[2], ns=(1, 1))  # another modification time
    again = probe_videos(paths, cache)
    assert opened == paths[1:]
    assert [again[p].frames for p in paths] == [10, 7, 7]


def test_unwritable_cache_is_skipped(tmp_path):
    path = str(write_video(tmp_path / 'a.mp4'))
    cache = str(tmp_path / 'missing' / 'cache.json')
    assert probe_videos([path], cache)[path].frames == 20
    assert not os.path.exists(cache)


def test_dataset_probes_through_a_cache_in_data_root(tiny_liris, tmp_path):
    cache = tmp_path / 'probe.json'
    pipeline = [dict(type='SegmentSampleFrames', num_segments=4,
                     target_fps=5)]
    LIRISACCEDEDataset(
        data_root=str(tiny_liris),
        split='learning',
        pipeline=pipeline,
        probe_cache=str(cache))
    assert len(json.load(open(cache))['clips']) == 4
    LIRISACCEDEDataset(
        data_root=str(tiny_liris), split='learning', pipeline=[],
        probe_cache=str(tmp_path / 'none.json'))
    assert not (tmp_path / 'none.json').exists()  # nothing to sample
