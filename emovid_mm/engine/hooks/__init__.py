from .split_leak_check_hook import SplitLeakCheckHook, SplitLeakError

__all__ = ['SplitLeakCheckHook', 'SplitLeakError']
