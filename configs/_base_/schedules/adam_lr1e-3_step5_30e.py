# Adam in the paper's TSN/ECO schedule (Table II): from lr 0.001, divided by
# 10 every 5 epochs, 30 epochs. The paper does not give Adam's learning rate;
# 0.001 is the SGD schedule's.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=30, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='StepLR', step_size=5, gamma=0.1, by_epoch=True, begin=0)
]
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-3),
    clip_grad=dict(max_norm=40, norm_type=2))
# Learning rate above is for 8 clips per batch on one device.
auto_scale_lr = dict(enable=False, base_batch_size=8)
