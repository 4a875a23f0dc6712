from .clip_store import prepare_clip_store
from .liris_accede_annotations import (OFFICIAL_SETS, AnnotationError,
                                       load_films, load_ranking, load_sets)
from .liris_accede_dataset import LIRISACCEDEDataset
from .synthetic_liris import make_synthetic_liris
from .transforms import (ClipTooShortError, PackEmotionInputs,
                         SegmentSampleFrames)

__all__ = [
    'AnnotationError', 'ClipTooShortError', 'LIRISACCEDEDataset',
    'OFFICIAL_SETS', 'PackEmotionInputs', 'SegmentSampleFrames', 'load_films',
    'load_ranking', 'load_sets', 'make_synthetic_liris', 'prepare_clip_store'
]
