# R(2+1)D-18 on LIRIS-ACCEDE, arousal only.
_base_ = ['./r2plus1d_r18_1xb8-8x1x1-5fps-20e_liris-accede-rgb.py']
targets = ('arousal', )
model = dict(cls_head=dict(targets=targets))
train_dataloader = dict(dataset=dict(targets=targets))
val_dataloader = dict(dataset=dict(targets=targets))
test_dataloader = dict(dataset=dict(targets=targets))
