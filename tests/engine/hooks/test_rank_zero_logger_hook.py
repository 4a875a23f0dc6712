"""The test metrics file is written by rank 0 alone."""
import json
from types import SimpleNamespace

import pytest

from emovid_mm.engine.hooks import RankZeroLoggerHook, rank_zero_logger_hook


def after_test_epoch(tmp_path, main: bool, monkeypatch) -> list:
    """Run the hook's ``after_test_epoch`` as rank 0 (``main``) or another
    rank; the files it wrote."""
    monkeypatch.setattr(rank_zero_logger_hook, 'is_main_process',
                        lambda: main)
    hook = RankZeroLoggerHook()
    hook.json_log_path = 'run.json'
    runner = SimpleNamespace(
        log_dir=str(tmp_path),
        test_dataloader=[0, 1],
        logger=SimpleNamespace(info=lambda message: None),
        log_processor=SimpleNamespace(
            get_log_after_epoch=lambda *args, **kwargs: (
                {'valence/mse': 0.5}, 'valence/mse: 0.5')))
    hook.after_test_epoch(runner, {'valence/mse': 0.5})
    return sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.parametrize('main, written', [(True, ['run.json']),
                                           (False, [])])
def test_only_rank_zero_writes_the_metrics(tmp_path, monkeypatch, main,
                                           written):
    assert after_test_epoch(tmp_path, main, monkeypatch) == written
    if written:
        assert json.loads((tmp_path / 'run.json').read_text()) == {
            'valence/mse': 0.5
        }
