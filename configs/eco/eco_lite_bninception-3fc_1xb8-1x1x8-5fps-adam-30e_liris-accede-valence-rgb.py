# The paper's Table II: ECO Lite, Adam, 3 fully-connected layers, valence.
# The paper does not give the hidden widths; 512 each is our choice.
_base_ = ['./eco_lite_bninception_1xb8-1x1x8-5fps-adam-30e_liris-accede-valence-rgb.py']
model = dict(cls_head=dict(hidden_channels=(512, 512)))
