# Audio only on LIRIS-ACCEDE: AudioCNN, from scratch, on 8 log-mel segments
# of 96 mel frames (0.96 s) over the whole clip (16 kHz, 64 mels, 10 ms hop),
# TSN-style; MSE, SGD lr 0.001 / 10 every 5 epochs, 30 epochs, as the
# paper's 2D models; valence and arousal jointly.
_base_ = [
    '../_base_/models/tsn_audiocnn.py',
    '../_base_/datasets/liris_accede_audio.py',
    '../_base_/schedules/sgd_lr1e-3_step5_30e.py',
    '../_base_/default_runtime.py'
]
