from .clip_shape import audio_shape, clip_shape
from .config import (add_runner_args, apply_test_options, apply_train_options,
                     load_config, prepare_config)
from .markdown import markdown_table
from .versions import check_versions

__all__ = [
    'add_runner_args', 'apply_test_options', 'apply_train_options',
    'audio_shape', 'check_versions', 'clip_shape', 'load_config',
    'markdown_table', 'prepare_config'
]
