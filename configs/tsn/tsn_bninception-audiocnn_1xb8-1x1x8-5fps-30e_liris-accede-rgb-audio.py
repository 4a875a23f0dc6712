# Audio-visual TSN (BN-Inception and AudioCNN, from scratch) on LIRIS-ACCEDE:
# the paper's protocol for the frames (8 segments x 1 frame at 5 fps,
# 224x224, MSE, SGD lr 0.001 / 10 every 5 epochs, 30 epochs) with 8 log-mel
# segments of 0.96 s, fused before the head, modality dropout 0.25; valence
# and arousal jointly.
_base_ = [
    '../_base_/models/tsn_bninception_audiocnn.py',
    '../_base_/datasets/liris_accede_audio_visual.py',
    '../_base_/schedules/sgd_lr1e-3_step5_30e.py',
    '../_base_/default_runtime.py'
]
