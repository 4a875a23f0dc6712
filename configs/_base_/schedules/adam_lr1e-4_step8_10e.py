# Adam from lr 0.0001, divided by 10 after 8 epochs, 10 epochs: the schedule
# of the model-zoo benchmark of the five paper models on generated data (CPU).
_base_ = ['./adam_lr1e-3_step8_12e.py']

train_cfg = dict(max_epochs=10)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
