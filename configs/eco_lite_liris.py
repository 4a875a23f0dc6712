# Short name of the paper's ECO Lite model (valence and arousal jointly).
_base_ = ['./eco/eco_lite_bninception_1xb8-1x1x8-5fps-30e_liris-accede-rgb.py']
