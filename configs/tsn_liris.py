# Short name of the paper's TSN model.
_base_ = ['./tsn/tsn_r50_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
