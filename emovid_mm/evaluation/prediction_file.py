"""The per-clip prediction file that ``tools/test.py --dump`` writes.

One row per clip: ``video_id, name, film``, then for each target ``t`` (in
the dataset's order) ``{t}_true, {t}_pred, {t}_variance`` (the truth, the
prediction and the truth's annotated variance). A ``.csv`` file has a header
row and reads with ``pandas.read_csv`` or ``numpy.genfromtxt(names=True)``;
a ``.json`` file is a list of such records and reads with
``pandas.read_json``.
"""
import csv
import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import List, Sequence

import numpy as np

SUFFIXES = ('.csv', '.json')
ID_COLUMNS = ('video_id', 'name', 'film')
TARGET_COLUMNS = ('true', 'pred', 'variance')


@dataclass
class Predictions:
    """Per-clip predictions of one split.

    Attributes:
        targets (list[str]): Target names, ``T`` of them.
        video_id (np.ndarray): Clip ids, ``(N,)``.
        name (list[str]): Clip names (file names), ``N`` of them.
        film (list[str]): Source films, ``N`` of them.
        true (np.ndarray): Ground truth, ``(N, T)``.
        pred (np.ndarray): Predictions, ``(N, T)``.
        variance (np.ndarray): Annotated variance of the truth, ``(N, T)``.
    """

    targets: List[str]
    video_id: np.ndarray
    name: List[str]
    film: List[str]
    true: np.ndarray
    pred: np.ndarray
    variance: np.ndarray

    def records(self) -> List[dict]:
        """One dict per clip, with the file's columns in order."""
        rows = []
        for i in range(len(self.video_id)):
            row = dict(
                video_id=int(self.video_id[i]),
                name=self.name[i],
                film=self.film[i])
            for j, target in enumerate(self.targets):
                row[f'{target}_true'] = float(self.true[i, j])
                row[f'{target}_pred'] = float(self.pred[i, j])
                row[f'{target}_variance'] = float(self.variance[i, j])
            rows.append(row)
        return rows


def check_suffix(path: str) -> None:
    """Raise ``ValueError`` unless ``path`` ends in ``.csv`` or ``.json``."""
    if not path.endswith(SUFFIXES):
        raise ValueError('A prediction file must end in .csv or .json, got '
                         f'{path!r}.')


def write_predictions(path: str, predictions: Predictions) -> None:
    """Write ``predictions`` to a ``.csv`` or ``.json`` file."""
    check_suffix(path)
    records = predictions.records()
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='') as f:
        if path.endswith('.json'):
            json.dump(records, f, indent=1)
            f.write('\n')
        else:
            writer = csv.DictWriter(f, fieldnames=columns(predictions.targets))
            writer.writeheader()
            writer.writerows(records)


def columns(targets: Sequence[str]) -> List[str]:
    """The file's columns for these targets."""
    return [*ID_COLUMNS] + [
        f'{t}_{c}' for t in targets for c in TARGET_COLUMNS
    ]


def read_predictions(path: str) -> Predictions:
    """Read a file written by :func:`write_predictions`.

    Raises:
        ValueError: if the file lacks a column, names no target, or has a
            value that is not a number; the message names the file (and the
            line).
    """
    check_suffix(path)
    with open(path, newline='') as f:
        if path.endswith('.json'):
            rows = json.load(f)
            header = list(rows[0]) if rows else []
        else:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = reader.fieldnames or []
    targets = [c[:-len('_true')] for c in header if c.endswith('_true')]
    missing = [c for c in columns(targets) if c not in header]
    if not rows or not targets or missing:
        raise ValueError(
            f'{path} is not a prediction file of tools/test.py --dump: '
            f'expected the columns {", ".join(columns(["<target>"]))} and '
            f'at least one row; missing {missing or "rows"}.')

    def numbers(column: str) -> np.ndarray:
        values = []
        for line, row in enumerate(rows, start=2):
            try:
                values.append(float(row[column]))
            except (TypeError, ValueError):
                raise ValueError(f'{path}, row {line - 1} (line {line} of a '
                                 f'.csv): {column}={row[column]!r} is not a '
                                 'number.') from None
        return np.array(values)

    def table(kind: str) -> np.ndarray:
        return np.stack([numbers(f'{t}_{kind}') for t in targets], axis=1)

    return Predictions(
        targets=targets,
        video_id=numbers('video_id').astype(np.int64),
        name=[str(r['name']) for r in rows],
        film=[str(r['film']) for r in rows],
        true=table('true'),
        pred=table('pred'),
        variance=table('variance'))
