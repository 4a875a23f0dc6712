# Short name of the paper's R(2+1)D model (valence and arousal jointly).
_base_ = ['./r2plus1d/r2plus1d_r18_1xb8-8x1x1-5fps-20e_liris-accede-rgb.py']
