# Short name of the paper's C3D model (valence and arousal jointly).
_base_ = ['./c3d/c3d_bn_1xb8-8x1x1-5fps-20e_liris-accede-rgb.py']
