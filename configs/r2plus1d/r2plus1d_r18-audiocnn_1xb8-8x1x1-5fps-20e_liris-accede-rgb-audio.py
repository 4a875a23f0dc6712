# Audio-visual R(2+1)D-18 on LIRIS-ACCEDE: the paper's protocol for the
# frames (one clip of 8 consecutive frames at 5 fps, 224x224, from scratch,
# MSE, SGD lr 0.0001 / 10 every 4 epochs, 20 epochs) with AudioCNN on
# 8 log-mel segments of 0.96 s over the whole clip, fused before the head,
# modality dropout 0.25; valence and arousal jointly.
_base_ = [
    '../_base_/models/r2plus1d_r18_audiocnn.py',
    '../_base_/datasets/liris_accede_consecutive_audio_visual.py',
    '../_base_/schedules/sgd_lr1e-4_step4_20e.py',
    '../_base_/default_runtime.py'
]
