# The paper's Table II: ECO Full, SGD, 1 fully-connected layer(s), valence.
_base_ = ['../eco/eco_full_bninception_1xb8-1x1x8-5fps-30e_liris-accede-valence-rgb.py']
