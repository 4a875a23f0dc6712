import librosa
import numpy as np
import pytest

from emovid_mm.datasets.transforms import LogMelSpectrogram

SAMPLE_RATE = 16000


def log_mel(audio, **kwargs):
    return LogMelSpectrogram(**kwargs)(
        dict(audio=audio, audio_sample_rate=SAMPLE_RATE))['audio_mel']


def test_shape_and_dtype():
    mel = log_mel(np.zeros(16000, np.float32), hop_length=160, n_mels=40)
    assert mel.dtype == np.float32
    assert mel.shape == (1, 40, 101)  # 1 + 16000 // 160 frames


@pytest.mark.parametrize('freq', [250.0, 1000.0, 3000.0])
def test_pure_tone_peaks_in_its_mel_band(freq):
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    tone = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    mel = log_mel(tone, n_fft=1024, n_mels=64, f_min=50.0, f_max=7000.0)
    # Centre frequencies of the 64 bands (64 + 2 points, edges dropped).
    centres = librosa.mel_frequencies(66, fmin=50.0, fmax=7000.0)[1:-1]
    band = int(np.abs(centres - freq).argmin())
    peaks = mel[0].argmax(axis=0)
    assert (np.abs(peaks - band) <= 1).all()


def test_silence_is_the_floor():
    mel = log_mel(np.zeros(8000, np.float32), floor=1e-8)
    np.testing.assert_allclose(mel, -80.0)


def test_louder_is_higher_by_its_power_ratio_in_db():
    noise = np.random.default_rng(0).standard_normal(8000).astype(np.float32)
    quiet, loud = log_mel(0.01 * noise), log_mel(0.1 * noise)
    np.testing.assert_allclose(loud - quiet, 20.0, atol=1e-3)
