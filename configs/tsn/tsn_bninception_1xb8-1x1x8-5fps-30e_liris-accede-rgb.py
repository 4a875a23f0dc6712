# TSN (BN-Inception, from scratch) on LIRIS-ACCEDE with the paper's protocol:
# 8 segments x 1 frame at 5 fps, 224x224, MSE, SGD lr 0.001 / 10 every
# 5 epochs, 30 epochs; valence and arousal jointly.
_base_ = [
    '../_base_/models/tsn_bninception.py',
    '../_base_/datasets/liris_accede.py',
    '../_base_/schedules/sgd_lr1e-3_step5_30e.py',
    '../_base_/default_runtime.py'
]
