# Audio-only AudioCNN, from scratch, on the generated data whose arousal is
# half caused by the sound (liris_synthetic_sound_audio.py): 8 log-mel
# segments of 0.96 s, Adam lr 1e-4, 10 epochs, as the visual-only and
# audio-visual ECO Lite of the benchmark (CPU). See model_zoo.md.
_base_ = [
    '../_base_/models/tsn_audiocnn.py',
    '../_base_/datasets/liris_synthetic_sound_audio.py',
    '../_base_/schedules/adam_lr1e-4_step8_10e.py',
    '../_base_/default_runtime.py'
]
