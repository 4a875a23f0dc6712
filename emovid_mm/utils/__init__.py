from .config import prepare_config
from .versions import check_versions

__all__ = ['check_versions', 'prepare_config']
