# The paper's C3D and R(2+1)D schedule: SGD from lr 0.0001, divided by 10
# every 4 epochs, 20 epochs.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=20, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='StepLR', step_size=4, gamma=0.1, by_epoch=True, begin=0)
]
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=1e-4, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=40, norm_type=2))
# Learning rate above is for 8 clips per batch on one device.
auto_scale_lr = dict(enable=False, base_batch_size=8)
