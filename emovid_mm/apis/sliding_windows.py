"""The windows of a sliding-window analysis of a video."""
import numpy as np

#: Tolerance in seconds when comparing window bounds with the duration.
EPS = 1e-6


def sliding_windows(duration: float, window: float,
                    stride: float) -> np.ndarray:
    """Windows ``[start, end)`` in seconds over a video of ``duration``
    seconds.

    A video no longer than ``window`` is one window, the whole video. A
    longer one gets windows of ``window`` seconds starting every ``stride``
    seconds from 0, plus one ending at ``duration`` when the last of those
    ends before it: every window has the full length, and with
    ``stride <= window`` they cover the whole video.

    Returns:
        np.ndarray: ``(num_windows, 2)``, the start and end of each window.
    """
    if window <= 0 or stride <= 0:
        raise ValueError('window and stride must be > 0 seconds, got '
                         f'{window} and {stride}.')
    if duration <= window + EPS:
        return np.array([[0.0, duration]])
    num = int(np.floor((duration - window) / stride + EPS)) + 1
    starts = np.arange(num) * float(stride)
    if starts[-1] + window < duration - EPS:
        starts = np.append(starts, duration - window)
    return np.stack([starts, starts + window], axis=1)
