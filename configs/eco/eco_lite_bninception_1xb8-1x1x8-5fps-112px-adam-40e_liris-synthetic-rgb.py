# The 30-epoch ECO Lite benchmark, trained 40 epochs (learning rate divided
# by 10 after 32) for a training set twice as large: 1280 generated films of
# one clip each. Validation every 2 epochs keeps the CPU time for training.
# See model_zoo.md for the data, the command and the numbers.
_base_ = ['./eco_lite_bninception_1xb8-1x1x8-5fps-112px-adam-30e_liris-synthetic-rgb.py']

train_cfg = dict(max_epochs=40, val_interval=2)
param_scheduler = [
    dict(type='MultiStepLR', milestones=[32], gamma=0.1, by_epoch=True)
]
default_hooks = dict(checkpoint=dict(interval=2))
