# Audio-visual ECO Full on LIRIS-ACCEDE with the paper's protocol (see the
# audio-visual ECO Lite config); valence and arousal jointly.
_base_ = [
    '../_base_/models/eco_full_audiocnn.py',
    '../_base_/datasets/liris_accede_audio_visual.py',
    '../_base_/schedules/sgd_lr1e-3_step5_30e.py',
    '../_base_/default_runtime.py'
]
