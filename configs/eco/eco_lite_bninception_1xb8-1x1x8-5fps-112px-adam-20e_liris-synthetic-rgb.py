# ECO Lite from scratch on the generated LIRIS-ACCEDE-shaped data, on a CPU:
# the paper's sampling (8 segments at 5 fps) at 112x112, Adam, 20 epochs.
# The benchmark of model_zoo.md: ECO Lite sees motion across the sampled
# frames, so it learns arousal as well as valence, which TSN cannot.
_base_ = [
    '../_base_/models/eco_lite.py', '../_base_/datasets/liris_synthetic.py',
    '../_base_/schedules/adam_lr1e-3_step8_12e.py',
    '../_base_/default_runtime.py'
]

train_cfg = dict(max_epochs=20)
param_scheduler = [
    dict(type='MultiStepLR', milestones=[14], gamma=0.1, by_epoch=True)
]
default_hooks = dict(logger=dict(interval=8))
