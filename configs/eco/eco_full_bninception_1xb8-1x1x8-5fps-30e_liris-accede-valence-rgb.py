# ECO Full on LIRIS-ACCEDE, valence only; the paper's Table II with SGD and
# 1 fully-connected layer.
_base_ = ['./eco_full_bninception_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
targets = ('valence', )
model = dict(cls_head=dict(targets=targets))
train_dataloader = dict(dataset=dict(targets=targets))
val_dataloader = dict(dataset=dict(targets=targets))
test_dataloader = dict(dataset=dict(targets=targets))
