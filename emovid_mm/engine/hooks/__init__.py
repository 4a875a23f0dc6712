from .epoch_seed_hook import EpochSeedHook
from .split_leak_check_hook import SplitLeakCheckHook, SplitLeakError

__all__ = ['EpochSeedHook', 'SplitLeakCheckHook', 'SplitLeakError']
