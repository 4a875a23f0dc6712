"""A training run whose training split shares clips or films with its
validation or test split stops before it trains, with our tools/train.py
and with MMAction2's own (``tools/test.py --split train`` keeps working:
tests/tools/test_train_test.py)."""
import re
from pathlib import Path

import mmaction
import pytest
from conftest import CONFIG, run, train

pytestmark = pytest.mark.slow

#: MMAction2's own training tool, as its package installs it.
MMACTION_TRAIN = Path(mmaction.__file__).parent / '.mim/tools/train.py'
#: The tiny data's films (conftest): sets 1 and 2 hold two films each.
FILMS = r"\['Synthetic_Film_\d{3}.mp4', 'Synthetic_Film_\d{3}.mp4'\]"


def assert_refused(proc, work_dir):
    assert proc.returncode != 0
    assert 'SplitLeakError' in proc.stderr
    for name, set_id in (('validation', 2), ('test', 1)):
        assert re.search(
            r'The training split \(set ids \[1, 2\]\) shares 4 clip\(s\) '
            rf'\(of set ids \[{set_id}\]\) and 2 film\(s\) with the {name} '
            rf'split \(set ids \[{set_id}\]\): films {FILMS}, clips e.g. '
            r"\['ACCEDE\d{5}.mp4'", proc.stderr), name
    assert not list(work_dir.glob('*.pth'))


def test_training_on_the_evaluation_sets_is_refused(tiny_liris, tmp_path):
    proc = run('tools/train.py', CONFIG, '--work-dir', str(tmp_path),
               '--data-root', str(tiny_liris), '--cfg-options',
               'train_dataloader.dataset.split=[1,2]', check=False)
    assert_refused(proc, tmp_path)


def test_refused_by_mmaction2s_own_train_tool(tiny_liris, tmp_path):
    roots = [
        f'{loader}_dataloader.dataset.data_root={tiny_liris}'
        for loader in ('train', 'val', 'test')
    ]
    proc = run(str(MMACTION_TRAIN), CONFIG, '--work-dir', str(tmp_path),
               '--cfg-options', *roots,
               'train_dataloader.dataset.split=[1,2]', check=False)
    assert_refused(proc, tmp_path)


def test_validating_on_the_test_split_is_allowed(tiny_liris, tmp_path):
    proc = train(tmp_path, tiny_liris, '--cfg-options',
                 'val_dataloader.dataset.split=test', 'train_cfg.max_epochs=1',
                 'train_dataloader.dataset.indices=4')
    assert 'Epoch(val) [1]' in proc.stdout
