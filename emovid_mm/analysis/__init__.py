"""Analysis of models and data: parameters, FLOPs, shapes, CPU time; data
loading speed against the training step; audio backbones side by side."""
from .audio_backbone_benchmark import (AudioBackboneReport,
                                       audio_backbone_table,
                                       benchmark_audio_backbones,
                                       smallest_resnet_audio_depth)
from .data_benchmark import (DataBenchmark, LoaderTiming, StepTiming,
                             benchmark_data, loader_table, step_table,
                             verdict)
from .prediction_comparison import compare_predictions
from .model_complexity import (ComplexityReport, Part, Stage, analyse,
                               build_model, clip_text, dummy_clip,
                               dummy_inputs, layers_table, parts_table,
                               summary_table)

__all__ = [
    'AudioBackboneReport', 'ComplexityReport', 'DataBenchmark',
    'LoaderTiming', 'Part', 'Stage', 'StepTiming', 'analyse',
    'audio_backbone_table', 'benchmark_audio_backbones', 'benchmark_data',
    'build_model', 'clip_text', 'compare_predictions', 'dummy_clip', 'dummy_inputs', 'layers_table',
    'loader_table', 'parts_table', 'smallest_resnet_audio_depth',
    'step_table', 'summary_table', 'verdict'
]
