# The paper's Table II: ECO Full, ADAM, 3 fully-connected layer(s), valence.
# The paper does not give the hidden widths; 512 each is our choice.
_base_ = ['../eco/eco_full_bninception_1xb8-1x1x8-5fps-30e_liris-accede-valence-rgb.py']
model = dict(cls_head=dict(hidden_channels=(512, 512)))
# The paper does not give Adam's learning rate; 0.001 with the SGD schedule.
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3))
