# The paper's Table III: ECO Lite with 8 frames (segments), arousal.
_base_ = ['../eco/eco_lite_bninception_1xb8-1x1x8-5fps-30e_liris-accede-arousal-rgb.py']
