"""Small videos written for the tests, with PyAV (FFmpeg) or OpenCV."""
from fractions import Fraction

import av
import cv2
import numpy as np


def scene(t: float, height: int, width: int, colour=None) -> np.ndarray:
    """An RGB frame at ``t`` seconds: a colour drifting with time (or the
    ``colour`` given) and a square moving across it."""
    if colour is None:
        colour = (128 + 100 * np.sin(t / 3), 128 + 100 * np.cos(t / 5), 128)
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = np.asarray(colour, np.uint8)
    side = max(height, width) // 4
    x = int((t * 10) % max(width - side, 1))
    frame[:side, x:x + side] = 255
    return frame


def write_av(path,
             codec,
             size,
             fps=10,
             duration=2.0,
             times=None,
             pix_fmt='yuv420p',
             colour_at=lambda t: None,
             options=None):
    """Encode with PyAV (FFmpeg): constant ``fps``, or variable with the
    frame ``times`` in seconds; ``options`` of the encoder."""
    width, height = size
    if times is None:
        rate = Fraction(fps).limit_denominator(1001)
        time_base = 1 / rate
        pts = np.arange(int(round(duration * rate)))
        times = pts * float(time_base)
    else:
        rate, time_base = 30, Fraction(1, 1000)
        pts = np.round(np.asarray(times) * 1000).astype(int)
    with av.open(str(path), 'w') as container:
        stream = container.add_stream(codec, rate=rate, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.time_base = stream.codec_context.time_base = time_base
        for t, p in zip(times, pts):
            frame = av.VideoFrame.from_ndarray(
                scene(t, height, width, colour_at(t)), format='rgb24')
            frame.pts, frame.time_base = int(p), time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def write_cv2(path, fourcc, size, fps=10, duration=2.0):
    """Encode with OpenCV's VideoWriter."""
    width, height = size
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    assert writer.isOpened(), f'OpenCV cannot write {fourcc} to {path}'
    for i in range(int(round(duration * fps))):
        writer.write(scene(i / fps, height, width)[..., ::-1].copy())
    writer.release()
    return path


def write_with_sound(path, duration, sound=True, fps=10, size=(64, 36)):
    """An H.264 mp4 of ``duration`` s (a keyframe every 2 s) with, if
    ``sound``, a mono AAC track at 48 kHz, interleaved with the frames as in
    real files: a tone whose pitch and loudness change every second. The
    frames are the same with and without sound. (AAC without noise
    substitution, whose random noise would differ after a seek.)"""
    width, height = size
    rate = 48000
    t = np.arange(int(duration * rate)) / rate
    second = np.floor(t)
    pitch, loudness = 200 + 150 * (second % 5), 0.05 + 0.15 * (second % 3)
    signal = (loudness * np.sin(2 * np.pi * pitch * t)).astype(np.float32)
    with av.open(str(path), 'w') as container:
        video = container.add_stream(
            'libx264', rate=fps, options=dict(g=str(2 * fps)))
        video.width, video.height, video.pix_fmt = width, height, 'yuv420p'
        if sound:
            audio = container.add_stream(
                'aac', rate=rate, options=dict(aac_pns='0'))
            audio.layout = 'mono'
        done = 0
        for i in range(int(round(duration * fps))):
            while sound and done < min((i + 1) / fps * rate, len(signal)):
                frame = av.AudioFrame.from_ndarray(
                    signal[None, done:done + 1024],
                    format='flt',
                    layout='mono')
                frame.sample_rate, frame.pts = rate, done
                container.mux(audio.encode(frame))
                done += 1024
            frame = av.VideoFrame.from_ndarray(
                scene(i / fps, height, width), format='rgb24')
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode())
        if sound:
            container.mux(audio.encode())
    return str(path)
