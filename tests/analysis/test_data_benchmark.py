"""The data-loading benchmark on the tiny generated clips: every way and
worker count timed, the ways built as documented. No timing is asserted
beyond being positive."""
from __future__ import annotations

import re

import decord
import numpy as np
import pytest
from conftest import CONFIG, REPO
from mmaction.registry import DATASETS
from mmengine.config import Config

from emovid_mm.analysis import (DataBenchmark, LoaderTiming, StepTiming,
                                benchmark_data, loader_table, step_table,
                                verdict)
from emovid_mm.analysis.data_benchmark import (STOCK_CONFIG, floor_pipeline,
                                               stock_pipeline, store_pipeline,
                                               workers_needed)
from emovid_mm.datasets.clip_store import prepare_clip_store

WORKERS = (0, 1)
WAYS = ('config', 'mmaction2 stock', 'store', 'decode floor')


@pytest.fixture(scope='module')
def store(tiny_liris, tmp_path_factory) -> str:
    """A clip store of the tiny clips at the tiny config's 5 fps."""
    out = str(tmp_path_factory.mktemp('store') / 'clip_store_5fps')
    assert not prepare_clip_store(str(tiny_liris), out, fps=5.0).failed
    return out


@pytest.fixture(scope='module')
def report(tiny_liris, store) -> DataBenchmark:
    return benchmark_data(CONFIG, str(tiny_liris), clips=6, workers=WORKERS,
                          repeat=2, store=store, steps=1)


def train_dataset(tiny_liris, pipeline: list):
    """The tiny config's training dataset with ``pipeline``."""
    dataset = Config.fromfile(CONFIG).train_dataloader.dataset
    return DATASETS.build(
        dict(dataset, data_root=str(tiny_liris), pipeline=pipeline))


def test_every_way_and_worker_count_is_timed(report: DataBenchmark):
    assert (report.name, report.clips, report.batch_size, report.frames,
            report.size) == ('tiny_tsn_liris', 6, 4, 4, (32, 32))
    timed = {(t.way, t.workers) for t in report.timings}
    assert timed == {(way, workers) for way in WAYS for workers in WORKERS}
    for t in report.timings:
        assert t.clips == 6 and len(t.seconds) == 2
        assert all(rate > 0 for rate in t.rates)
    assert report.step.device == 'cpu' and report.step.batch_size == 4
    assert len(report.step.seconds) == 1 and report.step.rate > 0


def test_tables_and_verdict_show_every_row(report: DataBenchmark):
    table = loader_table(report).splitlines()
    assert table[0] == ('| way | workers | clips/s (least-most of 2) | '
                        'ms/clip | x floor |')
    assert [row.split(' | ')[:2] for row in table[2:]] == [
        [f'| {way}', str(workers)] for way in WAYS for workers in WORKERS
    ]
    assert all(row.endswith(' | 1.00 |') for row in table[-2:])
    assert step_table(report).splitlines()[2].startswith(
        '| tiny_tsn_liris | cpu | ')
    lines = verdict(report)
    assert [line.split(':')[0] for line in lines[:-1]] == [
        '0 workers', '1 worker'
    ]
    assert all(line.endswith('bounds the run') for line in lines[:-1])
    assert re.fullmatch(
        r'Workers to feed the model: config \d+, mmaction2 stock \d+, '
        r'store \d+, decode floor \d+', lines[-1])


def test_decode_floor_decodes_exactly_the_sampled_frames(
        tiny_liris, monkeypatch):
    pipeline = Config.fromfile(CONFIG).train_pipeline
    floor = floor_pipeline(pipeline)
    assert [step['type'] for step in floor[:-1]] == [
        'DecordInit', 'SegmentSampleFrames', 'DecordDecode'
    ]
    decoded = []
    get_batch = decord.VideoReader.get_batch

    def spy(reader, indices):
        decoded.append(list(indices))
        return get_batch(reader, indices)

    monkeypatch.setattr(decord.VideoReader, 'get_batch', spy)
    samples = {}
    for way, steps in (('config', pipeline), ('floor', floor)):
        np.random.seed(0)
        samples[way] = train_dataset(tiny_liris, steps)[2]
    floor_sample = samples['floor']
    assert 'imgs' not in floor_sample
    assert decoded == [list(floor_sample['frame_inds'])] * 2
    assert samples['config']['inputs'].shape[0] == len(decoded[0]) == 4


def test_floor_needs_a_decode_step():
    with pytest.raises(ValueError, match='no decode step'):
        floor_pipeline([dict(type='DecordInit'), dict(type='Resize')])


def test_stock_pipeline_is_mmaction2s_with_the_configs_frames():
    stock = Config.fromfile(STOCK_CONFIG).train_pipeline
    assert stock_pipeline(5, (224, 224)) == [
        dict(s, num_clips=5) if s['type'] == 'SampleFrames' else dict(s)
        for s in stock
    ]
    types = [s['type'] for s in stock]
    assert types == [
        'DecordInit', 'SampleFrames', 'DecordDecode', 'Resize',
        'MultiScaleCrop', 'Resize', 'Flip', 'FormatShape', 'PackActionInputs'
    ]
    at_112 = stock_pipeline(8, (112, 112))
    assert at_112[3]['scale'] == (-1, 128)
    assert at_112[4]['input_size'] == (112, 112)
    assert at_112[5]['scale'] == (112, 112)


def test_stock_pipeline_loads_the_clips(tiny_liris):
    sample = train_dataset(tiny_liris, stock_pipeline(4, (32, 32)))[0]
    assert tuple(sample['inputs'].shape) == (4, 3, 32, 32)


def test_store_pipeline_reads_frames_instead_of_the_video():
    pipeline = Config.fromfile(CONFIG).train_pipeline
    assert [step['type'] for step in store_pipeline(pipeline)] == [
        'SegmentSampleFrames', 'RawFrameDecode', 'Resize', 'FormatShape',
        'PackEmotionInputs'
    ]
    with pytest.raises(ValueError, match='lacks'):
        store_pipeline(pipeline[:1])


def test_missing_store_is_an_error(tiny_liris, tmp_path):
    with pytest.raises(FileNotFoundError, match='No clip store'):
        benchmark_data(CONFIG, str(tiny_liris), store=str(tmp_path))


def test_workers_needed_and_verdict():
    """From clips/s per worker at the fewest workers above 0."""
    report = DataBenchmark(
        'model', 16, 8, 8, (224, 224), [
            LoaderTiming('config', 0, 16, [1.0]),
            LoaderTiming('config', 2, 16, [0.4]),
            LoaderTiming('config', 4, 16, [0.2]),
            LoaderTiming('decode floor', 0, 16, [0.5]),
        ], StepTiming('cuda:0', 8, 1, [0.1]))
    assert workers_needed(report, 'config') == 4
    assert workers_needed(report, 'decode floor') == 3
    assert verdict(report) == [
        '0 workers: data 16.0 clips/s, model 80.0 clips/s on cuda:0: data '
        'bounds the run',
        '2 workers: data 40.0 clips/s, model 80.0 clips/s on cuda:0: data '
        'bounds the run',
        '4 workers: data 80.0 clips/s, model 80.0 clips/s on cuda:0: '
        'compute bounds the run',
        'Workers to feed the model: config 4, decode floor 3',
    ]


@pytest.mark.parametrize('kwargs', [
    dict(clips=0), dict(repeat=0), dict(steps=0), dict(workers=[]),
    dict(workers=[-1])
])
def test_bad_arguments_raise(tiny_liris, kwargs):
    with pytest.raises(ValueError, match='must be >= '):
        benchmark_data(CONFIG, str(tiny_liris), **kwargs)


def test_an_audio_only_model_is_refused():
    audio = str(REPO / 'configs/tsn/tsn_audiocnn_1xb8-96x1x8-adam-10e_'
                'liris-synthetic-sound-audio.py')
    with pytest.raises(ValueError, match='audio-only model; the data bench'):
        benchmark_data(audio)
