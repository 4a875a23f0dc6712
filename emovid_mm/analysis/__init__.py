"""Analysis of models and data: parameters, FLOPs, shapes, CPU time; data
loading speed against the training step."""
from .data_benchmark import (DataBenchmark, LoaderTiming, StepTiming,
                             benchmark_data, loader_table, step_table,
                             verdict)
from .model_complexity import (ComplexityReport, Part, Stage, analyse,
                               build_model, dummy_clip, layers_table,
                               parts_table, summary_table)

__all__ = [
    'ComplexityReport', 'DataBenchmark', 'LoaderTiming', 'Part', 'Stage',
    'StepTiming', 'analyse', 'benchmark_data', 'build_model', 'dummy_clip',
    'layers_table', 'loader_table', 'parts_table', 'step_table',
    'summary_table', 'verdict'
]
