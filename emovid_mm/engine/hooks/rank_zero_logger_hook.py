"""MMEngine's ``LoggerHook`` with the test metrics file written once."""
from typing import Dict, Optional

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import LoggerHook
from mmengine.runner import Runner


@HOOKS.register_module()
class RankZeroLoggerHook(LoggerHook):
    """``LoggerHook`` whose ``WORK_DIR/TIMESTAMP/TIMESTAMP.json`` of test
    metrics is written by rank 0 alone.

    MMEngine 0.10's ``LoggerHook.after_test_epoch`` has every rank of a
    distributed test write that file at once. The ranks' lines differ (their
    timings), so a shorter line written over a longer one leaves the longer
    one's tail behind: the file is then not JSON. The metrics are gathered
    on every rank, so rank 0's line holds them all.
    """

    def after_test_epoch(self,
                         runner: Runner,
                         metrics: Optional[Dict[str, float]] = None) -> None:
        if is_main_process():
            super().after_test_epoch(runner, metrics)
