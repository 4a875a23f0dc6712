# Adam from lr 0.001, divided by 10 after 8 epochs, 12 epochs: a short
# schedule for CPU runs on the generated data (the paper's Table II found
# Adam better than SGD for ECO).
_base_ = ['./sgd_lr1e-3_step5_30e.py']

train_cfg = dict(max_epochs=12)
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3))
param_scheduler = [
    dict(type='MultiStepLR', milestones=[8], gamma=0.1, by_epoch=True)
]
