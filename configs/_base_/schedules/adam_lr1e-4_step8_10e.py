# Adam from lr 0.0001, divided by 10 after 8 epochs, 10 epochs: the schedule
# of the model-zoo benchmark of the five paper models on generated data (CPU).
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=10, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='MultiStepLR', milestones=[8], gamma=0.1, by_epoch=True)
]
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-4),
    clip_grad=dict(max_norm=40, norm_type=2))
# Learning rate above is for 8 clips per batch on one device.
auto_scale_lr = dict(enable=False, base_batch_size=8)
