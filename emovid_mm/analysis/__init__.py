"""Analysis of models without data: parameters, FLOPs, shapes, CPU time."""
from .model_complexity import (ComplexityReport, Part, Stage, analyse,
                               build_model, dummy_clip, layers_table,
                               parts_table, summary_table)

__all__ = [
    'ComplexityReport', 'Part', 'Stage', 'analyse', 'build_model',
    'dummy_clip', 'layers_table', 'parts_table', 'summary_table'
]
