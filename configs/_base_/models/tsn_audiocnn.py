# Audio only, TSN-style: AudioCNN (from scratch) on each of the log-mel
# segments (1 x 64 mels x 96 frames), its features averaged in space and over
# the segments, then the emotion regression head; through
# RecognizerAudioVisual without a visual branch. The log-mel dB values are
# normalised by AudioCNN's batch norm over the mel bands, so the data
# preprocessor only stacks them.
_base_ = ['./emotion_regressor.py']
model = dict(
    type='RecognizerAudioVisual',
    audio_backbone=dict(type='AudioCNN', n_mels=64),
    cls_head=dict(in_channels=256),
    data_preprocessor=dict(
        _delete_=True,
        type='MultiModalDataPreprocessor',
        preprocessors=dict(
            audio_mel=dict(type='ActionDataPreprocessor',
                           format_shape='NCHW'))))
