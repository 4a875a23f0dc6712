# The paper's C3D and R(2+1)D schedule: SGD from lr 0.0001, divided by 10
# every 4 epochs, 20 epochs.
_base_ = ['./sgd_lr1e-3_step5_30e.py']

train_cfg = dict(max_epochs=20)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(type='StepLR', step_size=4, gamma=0.1, by_epoch=True, begin=0)
]
