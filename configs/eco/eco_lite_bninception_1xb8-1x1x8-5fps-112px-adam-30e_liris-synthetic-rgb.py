# ECO Lite from scratch on the generated LIRIS-ACCEDE-shaped data, on a CPU:
# the paper's sampling (8 segments at 5 fps) at 112x112 (random crops of
# 128x128 frames, flipped half the time), Adam at 1e-4 for 30 epochs.
# The benchmark of ECO learning arousal (carried by motion) besides valence
# (carried by colour); see model_zoo.md for the data, the command and the
# numbers.
_base_ = [
    '../_base_/models/eco_lite.py',
    '../_base_/datasets/liris_synthetic_crop_flip.py',
    '../_base_/schedules/adam_lr1e-4_step25_30e.py',
    '../_base_/default_runtime.py'
]
