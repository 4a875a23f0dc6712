# The paper's Table II: ECO Full, ADAM, 1 fully-connected layer(s), valence.
_base_ = ['../eco/eco_full_bninception_1xb8-1x1x8-5fps-30e_liris-accede-valence-rgb.py']
# The paper does not give Adam's learning rate; 0.001 with the SGD schedule.
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3))
