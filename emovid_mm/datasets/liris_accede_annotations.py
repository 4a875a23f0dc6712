"""Readers for the annotation files that LIRIS-ACCEDE is distributed with.

What these readers rely on (the dataset's own README, as distributed with
``LIRIS-ACCEDE-annotations.zip`` / ``LIRIS-ACCEDE-data.zip``, and the public
code that reads it):

* ``annotations/ACCEDEranking.txt``: tab-separated, one header line, then one
  line per clip with the columns ``id, name, valenceRank, arousalRank,
  valenceValue, arousalValue, valenceVariance, arousalVariance``. Values are
  on a 1-5 scale (observed: valence 1.33-3.59, arousal 1.32-4.54); rank 0 is
  the lowest value.
* ``annotations/ACCEDEsets.txt``: tab-separated, one header line, then
  ``id, name, set`` with set 0 = test (4,900 clips, 80 films), 1 = learning
  (2,450 clips, 40 films), 2 = validation (2,450 clips, 40 films). The
  official sets never share a film.
* ``ACCEDEdescription.xml``: one ``<media>`` element per clip with ``<id>``,
  ``<name>``, ``<license>``, ``<movie>`` (the source film's file name),
  ``<start>`` and ``<end>`` (frames in the film).

Every error names the file and, where there is one, the line.
"""
import codecs
import math
import os.path as osp
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Dict, List, NamedTuple, Sequence

#: Official ``set`` ids of ``ACCEDEsets.txt``.
OFFICIAL_SETS: Dict[str, int] = {'test': 0, 'learning': 1, 'validation': 2}

RANKING_COLUMNS = ('id', 'name', 'valenceRank', 'arousalRank', 'valenceValue',
                   'arousalValue', 'valenceVariance', 'arousalVariance')
SETS_COLUMNS = ('id', 'name', 'set')


class AnnotationError(ValueError):
    """A LIRIS-ACCEDE annotation file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class ClipAnnotation:
    """One line of ``ACCEDEranking.txt``."""
    id: int
    name: str
    valence_rank: int
    arousal_rank: int
    valence: float
    arousal: float
    valence_variance: float
    arousal_variance: float
    line: int


class SetEntry(NamedTuple):
    """One line of ``ACCEDEsets.txt``."""
    name: str
    set: int
    line: int


def _check_file(path: str, what: str) -> None:
    if not osp.isfile(path):
        raise AnnotationError(
            f'{what} not found: {path}. Point `data_root` at the folder '
            'where LIRIS-ACCEDE-data.zip and LIRIS-ACCEDE-annotations.zip '
            'were extracted, or generate the demo data with '
            '`python tools/data/make_synthetic_liris.py`.')


def _not_utf8(path: str, data: bytes, err: UnicodeDecodeError) -> str:
    """The message for a file that does not decode as UTF-8."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        guess, source = 'starts with a UTF-16 byte order mark', 'UTF-16'
    else:
        guess, source = 'may be Latin-1 or Windows-1252', 'LATIN1'
    line = data.count(b'\n', 0, err.start) + 1
    return (f'{path}, line {line}: not UTF-8 text (byte '
            f'{data[err.start]:#04x} at offset {err.start}: {err.reason}); '
            f'it {guess}. Save it as UTF-8, e.g. with `iconv -f {source} '
            '-t UTF-8`.')


def _read_tsv(path: str, columns: Sequence[str],
              what: str) -> List[Dict[str, str]]:
    """Read a tab-separated file whose header holds at least ``columns``.

    Returns:
        list[dict]: One dict per data line, with the ``'_line'`` key holding
        the 1-based line number in the file.
    """
    _check_file(path, what)
    with open(path, 'rb') as f:
        data = f.read()
    try:
        lines = data.decode('utf-8-sig').splitlines()
    except UnicodeDecodeError as err:
        raise AnnotationError(_not_utf8(path, data, err)) from None
    if not lines:
        raise AnnotationError(f'{path} is empty; expected the header '
                              f'{chr(9).join(columns)!r}.')
    header = [h.strip() for h in lines[0].split('\t')]
    missing = [c for c in columns if c not in header]
    if missing:
        raise AnnotationError(
            f'{path}, line 1: header {header} lacks the columns {missing}. '
            f'Expected a tab-separated header with {list(columns)}.')
    rows = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = [x.strip() for x in line.split('\t')]
        if len(fields) != len(header):
            raise AnnotationError(
                f'{path}, line {lineno}: expected {len(header)} tab-separated '
                f'fields ({", ".join(header)}), got {len(fields)}: {line!r}')
        row = dict(zip(header, fields))
        row['_line'] = lineno
        rows.append(row)
    return rows


def _number(row: Dict[str, str], column: str, cast: type, path: str):
    text = row[column]
    try:
        value = cast(text)
    except ValueError:
        raise AnnotationError(
            f'{path}, line {row["_line"]}: column {column!r} must be '
            f'{cast.__name__}, got {text!r}') from None
    return value


def _ids(rows: List[Dict[str, str]], path: str) -> List[int]:
    """The integer id of each row; an id may appear once (``007`` is 7)."""
    ids, seen = [], {}
    for row in rows:
        clip_id = _number(row, 'id', int, path)
        if clip_id in seen:
            first = seen[clip_id]
            spelled = ('' if first['id'] == row['id'] else
                       f' (as {first["id"]!r}; ids are compared as numbers)')
            raise AnnotationError(
                f'{path}, line {row["_line"]}: id {row["id"]} already '
                f'appears on line {first["_line"]}{spelled}.')
        seen[clip_id] = row
        ids.append(clip_id)
    return ids


def load_ranking(path: str) -> Dict[int, ClipAnnotation]:
    """Read ``ACCEDEranking.txt``.

    Returns:
        dict[int, ClipAnnotation]: Annotations by clip id.
    """
    rows = _read_tsv(path, RANKING_COLUMNS, 'LIRIS-ACCEDE ranking file')
    out = {}
    for clip_id, row in zip(_ids(rows, path), rows):
        ann = ClipAnnotation(
            id=clip_id,
            name=row['name'],
            valence_rank=_number(row, 'valenceRank', int, path),
            arousal_rank=_number(row, 'arousalRank', int, path),
            valence=_number(row, 'valenceValue', float, path),
            arousal=_number(row, 'arousalValue', float, path),
            valence_variance=_number(row, 'valenceVariance', float, path),
            arousal_variance=_number(row, 'arousalVariance', float, path),
            line=row['_line'])
        out[ann.id] = ann
    return out


def load_set_entries(path: str) -> Dict[int, SetEntry]:
    """Read ``ACCEDEsets.txt``.

    Returns:
        dict[int, SetEntry]: The name, set id (0 test, 1 learning,
        2 validation) and line of each clip id.
    """
    rows = _read_tsv(path, SETS_COLUMNS, 'LIRIS-ACCEDE sets file')
    return {
        clip_id: SetEntry(row['name'], _number(row, 'set', int, path),
                          row['_line'])
        for clip_id, row in zip(_ids(rows, path), rows)
    }


def load_sets(path: str) -> Dict[int, int]:
    """Read ``ACCEDEsets.txt``.

    Returns:
        dict[int, int]: The set id (0 test, 1 learning, 2 validation) of
        each clip id.
    """
    return {i: entry.set for i, entry in load_set_entries(path).items()}


def check_same_clips(ranking: Dict[int, ClipAnnotation], ranking_path: str,
                     sets: Dict[int, SetEntry], sets_path: str) -> None:
    """Refuse ranking and sets files that list different clip ids, or
    different names for one id."""
    for extra, here, other in ((set(ranking) - set(sets), ranking_path,
                                sets_path),
                               (set(sets) - set(ranking), sets_path,
                                ranking_path)):
        if extra:
            raise AnnotationError(
                f'{len(extra)} clip id(s) of {here} are missing from '
                f'{other}, e.g. {sorted(extra)[:5]}. Both files must '
                'list the same clips.')
    for clip_id in sorted(ranking):
        ann, entry = ranking[clip_id], sets[clip_id]
        if ann.name != entry.name:
            raise AnnotationError(
                f'Clip id {clip_id} is named {ann.name!r} in {ranking_path}, '
                f'line {ann.line}, but {entry.name!r} in {sets_path}, line '
                f'{entry.line}. Both files must name each clip alike; check '
                'that they come from the same release.')


def load_films(path: str) -> Dict[int, str]:
    """Read the source film of each clip from ``ACCEDEdescription.xml``.

    Returns:
        dict[int, str]: The ``<movie>`` of each clip id.
    """
    _check_file(path, 'LIRIS-ACCEDE description file')
    with open(path, 'rb') as f:
        data = f.read()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        try:
            data.decode('utf-8')
        except UnicodeDecodeError as decode_err:
            raise AnnotationError(_not_utf8(path, data, decode_err)) from None
        raise AnnotationError(f'{path} is not valid XML: {err}') from None
    films = {}
    for index, media in enumerate(root.iter('media'), start=1):
        clip_id, movie = media.findtext('id'), media.findtext('movie')
        if clip_id is None or movie is None or not clip_id.strip().isdigit():
            raise AnnotationError(
                f'{path}: <media> element #{index} needs an integer <id> and '
                f'a <movie>, got id={clip_id!r}, movie={movie!r}.')
        films[int(clip_id)] = movie.strip()
    if not films:
        raise AnnotationError(
            f'{path} has no <media> element (its root is <{root.tag}>): it '
            'names the film of no clip. Expected ACCEDEdescription.xml of '
            'LIRIS-ACCEDE-data.zip, with one <media> per clip holding <id> '
            'and <movie>; or set `description_file=None` to skip the film '
            'checks.')
    return films


def check_label(ann: ClipAnnotation, path: str,
                value_range: Sequence[float]) -> None:
    """Refuse a NaN, infinite or out-of-range value or variance."""
    low, high = value_range
    for field in ('valence', 'arousal'):
        value = getattr(ann, field)
        variance = getattr(ann, f'{field}_variance')
        if not math.isfinite(value) or not low <= value <= high:
            raise AnnotationError(
                f'{path}, line {ann.line}: clip {ann.name} (id {ann.id}) has '
                f'{field} {value}, outside [{low}, {high}]. Fix the file or '
                'change `value_range` in the dataset config.')
        if not math.isfinite(variance) or variance < 0:
            raise AnnotationError(
                f'{path}, line {ann.line}: clip {ann.name} (id {ann.id}) has '
                f'{field} variance {variance}; it must be finite and >= 0.')
