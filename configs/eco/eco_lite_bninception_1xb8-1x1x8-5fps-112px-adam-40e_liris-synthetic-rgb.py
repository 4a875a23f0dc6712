# The 30-epoch ECO Lite benchmark, trained 40 epochs (learning rate divided
# by 10 after 32) for a training set twice as large: 1280 generated films of
# one clip each. Validation every 2 epochs keeps the CPU time for training.
# See model_zoo.md for the data, the command and the numbers.
_base_ = [
    '../_base_/models/eco_lite.py',
    '../_base_/datasets/liris_synthetic_crop_flip.py',
    '../_base_/schedules/adam_lr1e-4_step32_40e.py',
    '../_base_/default_runtime.py'
]

train_cfg = dict(val_interval=2)
default_hooks = dict(checkpoint=dict(interval=2))
