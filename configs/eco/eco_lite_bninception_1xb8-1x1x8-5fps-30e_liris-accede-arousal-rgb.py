# ECO Lite on LIRIS-ACCEDE, arousal only; the paper's Table III with
# 8 frames.
_base_ = ['./eco_lite_bninception_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
targets = ('arousal', )
model = dict(cls_head=dict(targets=targets))
train_dataloader = dict(dataset=dict(targets=targets))
val_dataloader = dict(dataset=dict(targets=targets))
test_dataloader = dict(dataset=dict(targets=targets))
