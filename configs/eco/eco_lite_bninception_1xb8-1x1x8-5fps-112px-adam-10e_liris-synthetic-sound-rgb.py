# Visual-only ECO Lite, from scratch, on the generated data whose arousal is
# half caused by the sound (liris_synthetic_sound.py): the baseline of the
# audio-visual benchmark (CPU), as the model-zoo ECO Lite: 8 segments x
# 1 frame at 5 fps, 112x112, Adam lr 1e-4, 10 epochs. See model_zoo.md.
_base_ = [
    '../_base_/models/eco_lite.py',
    '../_base_/datasets/liris_synthetic_sound.py',
    '../_base_/schedules/adam_lr1e-4_step8_10e.py',
    '../_base_/default_runtime.py'
]
