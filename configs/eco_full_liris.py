# Short name of the paper's ECO Full model (valence and arousal jointly).
_base_ = ['./eco/eco_full_bninception_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
