"""What :func:`~emovid_mm.apis.inference_emotion` returns."""
import csv
import json
from dataclasses import dataclass
from typing import Dict, Tuple

import numpy as np


@dataclass(eq=False)
class EmotionTimeline:
    """The predictions of an emotion model on one video, per window and
    for the whole video.

    A video no longer than one window has a single window, the whole video.

    Attributes:
        video (str): The video file.
        targets (tuple[str]): Names of the predicted values, in order, e.g.
            ``('valence', 'arousal')``.
        windows (np.ndarray): Start and end of each window in seconds,
            ``(num_windows, 2)``.
        window_values (np.ndarray): Predictions per window,
            ``(num_windows, num_targets)``.
        duration (float): Length of the video in seconds.
        num_frames (int): Frames in the video.
        frames_repeated (bool): Some window had fewer frames (at the model's
            frame rate) than the model takes, so its frames were repeated.
        windows_without_sound (int): Windows a model with an audio branch
            predicted from their frames alone, the video having no usable
            sound there.
    """

    video: str
    targets: Tuple[str, ...]
    windows: np.ndarray
    window_values: np.ndarray
    duration: float
    num_frames: int
    frames_repeated: bool = False
    windows_without_sound: int = 0

    @property
    def num_windows(self) -> int:
        return len(self.windows)

    @property
    def values(self) -> Dict[str, float]:
        """The video-level prediction of each target: the mean over the
        windows."""
        return dict(zip(self.targets, self.window_values.mean(0).tolist()))

    def truth_correlations(
        self, truth: Tuple[np.ndarray, Dict[str, np.ndarray]]
    ) -> Dict[str, float]:
        """Pearson r, per target, of the windows' predictions with known
        values averaged over each window (weighted by overlap).

        Args:
            truth (tuple): Segments ``(start, end)`` in seconds,
                ``(num_segments, 2)``, and the known values of some targets
                on each, ``{target: (num_segments,)}``, as
                :func:`~emovid_mm.visualization.read_truth` reads them.
        """
        segments, known = truth
        overlap = np.clip(
            np.minimum(self.windows[:, 1:], segments[:, 1]) -
            np.maximum(self.windows[:, :1], segments[:, 0]), 0, None)
        correlations = {}
        for i, target in enumerate(self.targets):
            if target in known:
                mean_truth = overlap @ known[target] / overlap.sum(1)
                correlations[target] = float(
                    np.corrcoef(mean_truth, self.window_values[:, i])[0, 1])
        return correlations

    def to_dict(self) -> dict:
        """The timeline as JSON-ready lists and numbers."""
        return dict(
            video=self.video,
            duration=self.duration,
            num_frames=self.num_frames,
            frames_repeated=self.frames_repeated,
            windows_without_sound=self.windows_without_sound,
            targets=list(self.targets),
            values=self.values,
            windows=[
                dict(start=start, end=end, **dict(zip(self.targets, values)))
                for (start, end), values in zip(self.windows.tolist(),
                                                self.window_values.tolist())
            ])

    def save_csv(self, path: str) -> None:
        """One row per window: ``start``, ``end`` (seconds), then one column
        per target."""
        with open(path, 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(['start', 'end', *self.targets])
            for window, values in zip(self.windows, self.window_values):
                writer.writerow([f'{x:.3f}' for x in window] +
                                [f'{x:.6f}' for x in values])

    def save_json(self, path: str) -> None:
        """:meth:`to_dict` as a JSON file."""
        with open(path, 'w') as f:
            json.dump(self.to_dict(), f, indent=2)
