# The paper's Table II: ECO Lite, Adam, 1 fully-connected layer, valence.
# The paper does not give Adam's learning rate; 0.001 with the SGD schedule.
_base_ = [
    '../_base_/models/eco_lite.py', '../_base_/datasets/liris_accede.py',
    '../_base_/schedules/adam_lr1e-3_step5_30e.py',
    '../_base_/default_runtime.py'
]
targets = ('valence', )
model = dict(cls_head=dict(targets=targets))
train_dataloader = dict(dataset=dict(targets=targets))
val_dataloader = dict(dataset=dict(targets=targets))
test_dataloader = dict(dataset=dict(targets=targets))
