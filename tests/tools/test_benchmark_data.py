"""tools/analysis/benchmark_data.py end to end on the tiny generated clips."""
import pytest
from conftest import CONFIG, run

from emovid_mm.datasets.clip_store import prepare_clip_store

pytestmark = pytest.mark.slow
SCRIPT = 'tools/analysis/benchmark_data.py'


def test_cli_prints_the_tables_and_verdict(tiny_liris, tmp_path):
    store = str(tmp_path / 'clip_store_5fps')
    prepare_clip_store(str(tiny_liris), store, fps=5.0)
    proc = run(SCRIPT, CONFIG, '--data-root', str(tiny_liris), '--clips',
               '4', '--workers', '0', '2', '--repeat', '1', '--store', store,
               '--steps', '1')
    out = proc.stdout
    assert ('tiny_tsn_liris: the first 4 clips of the training split, 4 '
            'frames of 32x32 each, batches of 4;') in out
    for way in ('config', 'mmaction2 stock', 'store', 'decode floor'):
        for workers in (0, 2):
            assert f'| {way} | {workers} | ' in out
    assert '| tiny_tsn_liris | cpu | ' in out
    assert '0 workers: data ' in out and '2 workers: data ' in out
    assert 'Workers to feed the model: config ' in out


def test_bad_arguments_are_clear_errors(tiny_liris, tmp_path):
    proc = run(SCRIPT, 'configs/no_such_config.py', check=False)
    assert proc.returncode == 2
    assert 'config file not found: configs/no_such_config.py' in proc.stderr
    for args, error in ((['--workers', '-1'], 'error: clips, repeat and '
                         'steps must be >= 1'),
                        (['--store', str(tmp_path)], 'error: No clip store')):
        proc = run(SCRIPT, CONFIG, '--data-root', str(tiny_liris), *args,
                   check=False)
        assert proc.returncode == 1
        assert error in proc.stderr
        assert 'Traceback' not in proc.stderr
