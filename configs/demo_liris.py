# The CPU demo: TSN with a ResNet-18 on the generated LIRIS-ACCEDE-shaped data
# (`python tools/data/make_synthetic_liris.py`), 8 segments at 5 fps as in
# the paper but 112x112 frames, Adam, 12 epochs; about 3 minutes on 2 cores.
# A single-frame model like TSN can learn valence (it is in the colours) but
# not arousal (it is in the motion), see README.md.
_base_ = [
    './_base_/models/tsn_r50.py', './_base_/datasets/liris_synthetic.py',
    './_base_/schedules/adam_lr1e-3_step8_12e.py',
    './_base_/default_runtime.py'
]

model = dict(
    backbone=dict(depth=18),
    cls_head=dict(in_channels=512, dropout_ratio=0.2))
default_hooks = dict(logger=dict(interval=4))
# Two runs on one machine print the same table (docs/training.md,
# Reproducibility and resuming).
randomness = dict(seed=0, deterministic=True)
env_cfg = dict(cudnn_benchmark=False)
