from .epoch_seed_hook import EpochSeedHook
from .rank_zero_logger_hook import RankZeroLoggerHook
from .split_leak_check_hook import SplitLeakCheckHook, SplitLeakError

__all__ = [
    'EpochSeedHook', 'RankZeroLoggerHook', 'SplitLeakCheckHook',
    'SplitLeakError'
]
