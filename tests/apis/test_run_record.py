"""The parts of a run's record: settings digest, model family, training
time, machine, checksum, and reading a record back."""
import hashlib
import json

import numpy as np
import pytest
from conftest import CONFIG, REPO
from mmengine.config import Config

from emovid_mm.apis import RecordError, read_record, target_scores
from emovid_mm.analysis import analyse
from emovid_mm.apis.run_record import (RECORD_FILE, check_work_dir,
                                       config_digest, machine, model_family,
                                       session_seconds, sha256, shown,
                                       training_sessions, write_record)
from emovid_mm.evaluation import (Predictions, regression_scores,
                                  write_predictions)


def test_digest_is_of_the_settings_that_define_a_run():
    cfg = Config.fromfile(CONFIG)
    digest = config_digest(cfg)
    cfg.train_dataloader.dataset.data_root = 'elsewhere'
    cfg.train_dataloader.num_workers = 7
    cfg.work_dir = 'other'
    assert config_digest(cfg) == digest
    cfg.optim_wrapper.optimizer.lr = 0.5
    assert config_digest(cfg) != digest


@pytest.mark.parametrize('config, family', [
    ('configs/c3d/c3d_bn_1xb8-8x1x1-5fps-20e_liris-accede-rgb.py', 'C3D'),
    ('configs/r2plus1d/r2plus1d_r18_1xb8-8x1x1-5fps-20e_liris-accede-rgb.py',
     'R(2+1)D'),
    ('configs/tsn/tsn_r50_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py', 'TSN'),
    ('configs/eco/eco_full_bninception_1xb8-1x1x8-5fps-30e_liris-accede-'
     'rgb.py', 'ECO'),
    ('configs/eco/eco_lite_bninception-audiocnn_1xb8-1x1x8-5fps-30e_'
     'liris-accede-rgb-audio.py', 'ECO'),
    ('configs/r2plus1d/r2plus1d_r18-audiocnn_1xb8-8x1x1-5fps-20e_'
     'liris-accede-rgb-audio.py', 'R(2+1)D'),
    ('configs/tsn/tsn_audiocnn_1xb8-96x1x8-30e_liris-accede-audio.py', 'TSN'),
])
def test_model_family(config, family):
    assert model_family(Config.fromfile(str(REPO / config))) == family


def test_unknown_model_family_is_named():
    cfg = Config.fromfile(CONFIG)
    cfg.model.type = 'Recognizer3D'
    cfg.model.backbone.type = 'ResNet3d'
    with pytest.raises(RecordError, match='Recognizer3D with a ResNet3d'):
        model_family(cfg)


def session(work_dir, name, scalars, times):
    folder = work_dir / name
    (folder / 'vis_data').mkdir(parents=True)
    (folder / 'vis_data' / 'scalars.json').write_text(
        '\n'.join(json.dumps(s) for s in scalars) + '\n')
    (folder / f'{name}.log').write_text(''.join(
        f'{t} - mmengine - INFO - line\nno time here\n' for t in times))
    return str(folder)


def test_training_time_is_summed_over_the_sessions_that_trained(tmp_path):
    first = session(tmp_path, '20260101_000000', [dict(loss=1.0, iter=1)],
                    ['2026/01/01 00:00:00', '2026/01/01 00:02:30'])
    session(tmp_path, '20260101_010000', [dict(step=2)],
            ['2026/01/01 01:00:00', '2026/01/01 01:00:05'])
    second = session(tmp_path, '20260101_020000', [dict(loss=0.5, iter=9)],
                     ['2026/01/01 02:00:00', '2026/01/01 03:00:00'])
    assert training_sessions(str(tmp_path)) == [first, second]
    assert session_seconds(first) == 150
    assert session_seconds(second) == 3600


def test_work_dir_without_training_is_refused(tmp_path):
    session(tmp_path, '20260101_000000', [dict(step=1)], [])
    with pytest.raises(RecordError, match='no training log'):
        training_sessions(str(tmp_path))


def test_work_dir_trained_otherwise_is_refused(tmp_path):
    cfg = Config.fromfile(CONFIG)
    check_work_dir(str(tmp_path), CONFIG, cfg)  # nothing trained yet
    cfg.dump(str(tmp_path / 'tiny_tsn_liris.py'))
    check_work_dir(str(tmp_path), CONFIG, cfg)
    cfg.train_cfg.max_epochs = 5
    with pytest.raises(RecordError, match='trained with other settings'):
        check_work_dir(str(tmp_path), CONFIG, cfg)


def test_machine_checksum_and_shown_paths(tmp_path, monkeypatch):
    assert 'CPU' in machine() or 'x ' in machine()
    path = tmp_path / 'file.bin'
    path.write_bytes(b'x' * 3_000_000)
    assert sha256(str(path)) == hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.chdir(tmp_path)
    assert shown(str(path)) == 'file.bin'
    assert shown('/elsewhere/file.bin') == '/elsewhere/file.bin'


def test_record_reads_back_with_the_scores_of_its_predictions(tmp_path):
    rng = np.random.default_rng(0)
    true = rng.uniform(1, 5, (6, 2))
    predictions = Predictions(
        targets=['valence', 'arousal'],
        video_id=np.arange(6),
        name=[f'ACCEDE{i:05d}.mp4' for i in range(6)],
        film=['a', 'a', 'b', 'b', 'c', 'c'],
        true=true,
        pred=true + rng.normal(0, 0.3, (6, 2)),
        variance=np.full((6, 2), 0.1))
    write_predictions(str(tmp_path / 'test.csv'), predictions)
    (tmp_path / RECORD_FILE).write_text(json.dumps(dict(splits=['test'])))
    run, read = read_record(str(tmp_path))
    assert run == dict(splits=['test'])
    assert read['test'].records() == predictions.records()
    scores = target_scores(read['test'])
    assert list(scores) == ['valence', 'arousal']
    assert scores['arousal'] == pytest.approx(
        regression_scores(predictions.pred[:, 1], true[:, 1],
                          predictions.variance[:, 1]))


@pytest.mark.parametrize(
    'config, frames, size, audio', [
        ('configs/tsn/tsn_audiocnn_1xb8-96x1x8-adam-10e_liris-synthetic-sound-'
         'audio.py', None, None, [8, 64, 96]),
        ('configs/eco/eco_lite_bninception-audiocnn_1xb8-1x1x8-5fps-112px-adam-'
         '10e_liris-synthetic-sound-rgb-audio.py', 8, [112, 112], [8, 64, 96]),
    ],
    ids=['audio', 'audio-visual'])
def test_a_record_gives_the_frames_and_the_audio_input_with_their_flops(
        config, frames, size, audio, tmp_path):
    """``write_record`` on a work dir as MMEngine leaves it (the saved
    config, a training session, a checkpoint)."""
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    saved = work_dir / config.rsplit('/', 1)[-1]
    Config.fromfile(str(REPO / config)).dump(str(saved))
    session(work_dir, '20260101_000000', [dict(loss=1.0, iter=1)],
            ['2026/01/01 00:00:00', '2026/01/01 00:01:00'])
    checkpoint = work_dir / 'epoch_1.pth'
    checkpoint.write_bytes(b'weights')
    run = write_record(
        str(work_dir), config, str(work_dir), str(checkpoint), ['test'], 'run',
        'model', dict(name='data', root='data', command=None), [])
    assert (run['frames'], run['input_size'],
            run['audio_input']) == (frames, size, audio)
    complexity = analyse(str(saved))
    assert (run['params'], run['flops']) == (complexity.params,
                                             complexity.flops)
    assert run['flops'] > 0
    assert json.loads((work_dir / RECORD_FILE).read_text()) == run
