# Short name of the paper's TSN model (BN-Inception; valence and arousal
# jointly). The ResNet-50 variant is configs/tsn/tsn_r50_*.py.
_base_ = ['./tsn/tsn_bninception_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
