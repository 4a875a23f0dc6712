"""run_experiment: train (resuming), evaluate and record, in this process."""
import json
import shutil
from functools import partial

import pytest
from conftest import CONFIG, weights

from emovid_mm.apis import RecordError, read_record, run_experiment
from emovid_mm.apis.run_record import sha256


@pytest.fixture
def interrupted(trained, tmp_path):
    """A copy of the tiny 2-epoch run, as if stopped after epoch 1."""
    work_dir = tmp_path / 'work'
    shutil.copytree(trained[0], work_dir)
    (work_dir / 'epoch_2.pth').unlink()
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'epoch_1.pth'))
    return work_dir


@pytest.mark.slow
def test_resumes_evaluates_records_and_then_runs_no_more(
        interrupted, trained, tiny_liris, tmp_path, capsys):
    record_dir = tmp_path / 'record'
    sessions = sorted(p.name for p in interrupted.glob('2*'))
    assert run_experiment(
        CONFIG,
        str(interrupted),
        str(record_dir),
        data_root=str(tiny_liris),
        name='tiny',
        model='TSN tiny',
        data_name='tiny data',
        data_command='make tiny') == str(record_dir)
    assert 'resumed epoch: 1' in capsys.readouterr().out
    last = interrupted / 'epoch_2.pth'
    assert weights(last).keys() == weights(trained[0] / 'epoch_2.pth').keys()

    run, predictions = read_record(str(record_dir))
    assert (run['name'], run['model'], run['collection']) == ('tiny',
                                                               'TSN tiny',
                                                               'TSN')
    assert run['config'] == 'tests/data/tiny_tsn_liris.py'
    assert run['data'] == dict(
        name='tiny data', root=str(tiny_liris), command='make tiny')
    assert (run['frames'], run['input_size'], run['epochs']) == (4, [32, 32],
                                                                2)
    assert run['checkpoint'] == dict(path=str(last), sha256=sha256(str(last)))
    # the first session trained epochs 1-2, the resumed one epoch 2 again
    assert len(run['train_log']) == 2 and run['train_seconds'] > 0
    assert len(list(record_dir.glob('*/vis_data/scalars.json'))) == 2
    assert {len(p.video_id) for p in predictions.values()} == {8, 4}
    assert run['commands'][0] == (
        f'python tools/train.py tests/data/tiny_tsn_liris.py --data-root '
        f'{tiny_liris} --work-dir {interrupted}')
    assert run['commands'][2] == (
        f'python tools/test.py tests/data/tiny_tsn_liris.py {last} '
        f'--data-root {tiny_liris} --split test --dump {record_dir}/test.csv '
        f'--work-dir {interrupted}/test_test')

    # recorded: nothing runs again
    assert run_experiment(CONFIG, str(interrupted), str(record_dir))
    assert 'not run again' in capsys.readouterr().out
    assert len(list(interrupted.glob('2*'))) == len(sessions) + 1
    assert json.loads((record_dir / 'run.json').read_text()) == run


@pytest.mark.slow
def test_work_dir_trained_otherwise_or_without_best_is_refused(
        trained, tiny_liris, tmp_path):
    work_dir = tmp_path / 'work'
    shutil.copytree(trained[0], work_dir)
    attempt = partial(
        run_experiment,
        CONFIG,
        str(work_dir),
        str(tmp_path / 'record'),
        data_root=str(tiny_liris))
    with pytest.raises(RecordError, match='trained with other settings'):
        attempt(cfg_options={'optim_wrapper.optimizer.lr': 0.5})
    for best in work_dir.glob('best_*.pth'):
        best.unlink()
    with pytest.raises(RecordError, match='No best_'):
        attempt(checkpoint='best')
    assert not (tmp_path / 'record').exists()
