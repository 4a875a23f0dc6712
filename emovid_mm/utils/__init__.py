from .config import add_runner_args, load_config, prepare_config
from .markdown import markdown_table
from .versions import check_versions

__all__ = [
    'add_runner_args', 'check_versions', 'load_config', 'markdown_table',
    'prepare_config'
]
