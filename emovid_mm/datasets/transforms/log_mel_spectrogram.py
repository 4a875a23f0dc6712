"""Log-mel spectrogram of the decoded audio of a clip."""
from typing import Optional

import librosa
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class LogMelSpectrogram(BaseTransform):
    """Log-mel power spectrogram of ``audio``, in dB, with librosa.

    The STFT uses a Hann window of ``n_fft`` samples every ``hop_length``
    samples, centred (zero-padded at the ends), so ``samples`` give
    ``1 + samples // hop_length`` frames. The mel power is floored at
    ``floor`` before ``10 * log10`` (silence is ``10 * log10(floor)``).

    Required keys: ``audio`` (float32, ``(samples,)``),
    ``audio_sample_rate``.
    Added keys: ``audio_mel`` (float32, ``(1, n_mels, frames)``).

    Args:
        n_fft (int): STFT window length in samples.
        hop_length (int): Samples between frames.
        n_mels (int): Number of mel bands.
        f_min (float): Lowest band edge in Hz.
        f_max (float, optional): Highest band edge in Hz; ``None`` is half
            the sample rate.
        floor (float): Smallest mel power before the log.
    """

    def __init__(self,
                 n_fft: int = 512,
                 hop_length: int = 160,
                 n_mels: int = 64,
                 f_min: float = 0.0,
                 f_max: Optional[float] = None,
                 floor: float = 1e-10) -> None:
        if floor <= 0:
            raise ValueError(f'floor must be > 0, got {floor}.')
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.n_mels = n_mels
        self.f_min = f_min
        self.f_max = f_max
        self.floor = floor

    def transform(self, results: dict) -> dict:
        mel = librosa.feature.melspectrogram(
            y=np.asarray(results['audio'], np.float32),
            sr=results['audio_sample_rate'],
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            n_mels=self.n_mels,
            fmin=self.f_min,
            fmax=self.f_max,
            power=2.0)
        results['audio_mel'] = librosa.power_to_db(
            mel, amin=self.floor, top_db=None)[None].astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(n_fft={self.n_fft}, '
                f'hop_length={self.hop_length}, n_mels={self.n_mels}, '
                f'f_min={self.f_min}, f_max={self.f_max}, '
                f'floor={self.floor})')
