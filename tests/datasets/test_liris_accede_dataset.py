import re

import numpy as np
import pytest
import torch

from conftest import DESCRIPTION, RANKING, SETS, VIDEOS, write_liris
from emovid_mm.datasets import (AnnotationError, LIRISACCEDEDataset,
                                load_films, load_ranking, load_sets)
from emovid_mm.datasets.liris_accede_dataset import BadClipsError

FILMS = [
    dict(id=0, set=0, film='A.mp4', valence=1.5, arousal=4.0),
    dict(id=1, set=0, film='A.mp4', valence=2.0, arousal=3.5),
    dict(id=2, set=1, film='B.mp4', valence=3.0, arousal=2.0, vvar=0.3),
    dict(id=3, set=2, film='C.mp4', valence=3.5, arousal=1.5),
    dict(id=4, set=0, film='D.mp4', valence=2.5, arousal=2.5),
]


def dataset(root, **kwargs):
    return LIRISACCEDEDataset(data_root=str(root), pipeline=[], **kwargs)


def test_parses_official_formats(tmp_path):
    write_liris(tmp_path, FILMS)
    ranking = load_ranking(str(tmp_path / RANKING))
    assert sorted(ranking) == [0, 1, 2, 3, 4]
    clip = ranking[2]
    assert (clip.name, clip.valence, clip.arousal) == ('ACCEDE00002.mp4', 3.0,
                                                       2.0)
    assert (clip.valence_variance, clip.arousal_variance) == (0.3, 0.2)
    assert clip.valence_rank == 2 and clip.line == 4
    assert load_sets(str(tmp_path / SETS)) == {0: 0, 1: 0, 2: 1, 3: 2, 4: 0}
    films = load_films(str(tmp_path / 'LIRIS-ACCEDE-data/'
                           'ACCEDEdescription.xml'))
    assert films[3] == 'C.mp4'


def test_official_and_named_splits(tmp_path):
    write_liris(tmp_path, FILMS)
    test = dataset(tmp_path, split='test')
    assert [test.get_data_info(i)['video_id']
            for i in range(len(test))] == [0, 1, 4]
    assert len(dataset(tmp_path, split='learning')) == 1
    assert len(dataset(tmp_path, split=[1, 2])) == 2
    paper = dict(train=[0], val=[2], test=[1])
    train = dataset(tmp_path, split='train', splits=paper)
    assert len(train) == 3
    info = train.get_data_info(0)
    assert info['film'] == 'A.mp4' and info['name'] == 'ACCEDE00000.mp4'
    assert info['filename'].endswith(f'{VIDEOS}/ACCEDE00000.mp4')
    np.testing.assert_allclose(info['gt_values'], [1.5, 4.0])
    np.testing.assert_allclose(info['gt_variances'], [0.1, 0.2])
    assert info['gt_values'].dtype == np.float32
    assert train.metainfo['targets'] == ('valence', 'arousal')


@pytest.mark.parametrize('targets,values', [(('valence', ), [3.0]),
                                            (('arousal', ), [2.0]),
                                            (('arousal', 'valence'),
                                             [2.0, 3.0])])
def test_targets_select_and_order_values(tmp_path, targets, values):
    write_liris(tmp_path, FILMS)
    info = dataset(tmp_path, split='learning', targets=targets).get_data_info(0)
    np.testing.assert_allclose(info['gt_values'], values)
    assert info['gt_variances'].shape == (len(targets), )


def test_bad_targets_and_splits(tmp_path):
    write_liris(tmp_path, FILMS)
    with pytest.raises(ValueError, match='dominance'):
        dataset(tmp_path, targets=('dominance', ))
    with pytest.raises(ValueError, match="Unknown split 'train'"):
        dataset(tmp_path, split='train')
    with pytest.raises(ValueError, match='Set id 0 belongs to both'):
        dataset(tmp_path, split='a', splits=dict(a=[0], b=[0, 1]))
    with pytest.raises(AnnotationError, match=r'set\(s\) \[7\]'):
        dataset(tmp_path, split=[7])


def test_missing_data_root_says_how_to_get_data(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        dataset(tmp_path / 'nowhere')
    message = str(err.value)
    assert str(tmp_path / 'nowhere') in message
    assert 'make_synthetic_liris.py' in message and 'LIRIS-ACCEDE' in message


def test_missing_annotation_file(tmp_path):
    write_liris(tmp_path, FILMS)
    (tmp_path / SETS).unlink()
    with pytest.raises(AnnotationError, match='ACCEDEsets.txt'):
        dataset(tmp_path)


@pytest.mark.parametrize(
    'line,match',
    [('2\tACCEDE00002.mp4\t2\t2\t3.0\t2.0\t0.3',
      r'ACCEDEranking.txt, line 4: expected 8 tab-separated fields'),
     ('2\tACCEDE00002.mp4\t2\t2\tthree\t2.0\t0.3\t0.2',
      r"line 4: column 'valenceValue' must be float, got 'three'"),
     ('1\tACCEDE00002.mp4\t2\t2\t3.0\t2.0\t0.3\t0.2',
      r'line 4: id 1 already appears on line 3')])
def test_malformed_ranking_line_names_file_and_line(tmp_path, line, match):
    good = [
        f'{c["id"]}\tACCEDE{c["id"]:05d}.mp4\t0\t0\t2.5\t3.0\t0.1\t0.2'
        for c in FILMS
    ]
    good[2] = line
    write_liris(tmp_path, FILMS, ranking_lines=good)
    with pytest.raises(AnnotationError, match=match):
        dataset(tmp_path)


@pytest.mark.parametrize('file', [RANKING, SETS])
def test_duplicate_id_spelled_differently(tmp_path, file):
    write_liris(tmp_path, FILMS)
    path = tmp_path / file
    lines = path.read_text().splitlines()
    lines.append(lines[2].replace('1', '001', 1))  # id 1 again, as 001
    path.write_text('\n'.join(lines) + '\n')
    with pytest.raises(AnnotationError,
                       match=r"line 7: id 001 already appears on line 3 "
                       r"\(as '1'"):
        dataset(tmp_path)


def test_clip_named_differently_in_the_two_files(tmp_path):
    write_liris(
        tmp_path,
        FILMS,
        sets_lines=[
            f'{c["id"]}\tACCEDE{c["id"] + (c["id"] == 3):05d}.mp4\t{c["set"]}'
            for c in FILMS
        ])
    with pytest.raises(AnnotationError,
                       match=r"Clip id 3 is named 'ACCEDE00003.mp4' in .*"
                       r"ACCEDEranking.txt, line 5, but 'ACCEDE00004.mp4' in "
                       r".*ACCEDEsets.txt, line 5"):
        dataset(tmp_path)


@pytest.mark.parametrize('xml,match', [
    ('<clips><clip><id>0</id><movie>A.mp4</movie></clip></clips>',
     r'has no <media> element \(its root is <clips>\)'),
    ('<ACCEDEdescription><media><id>99</id><movie>A.mp4</movie></media>'
     '</ACCEDEdescription>', r'3 of the 3 clip ids of split .test. are not '
     r'in .*ACCEDEdescription.xml')
])
def test_description_file_naming_none_of_the_clips(tmp_path, xml, match):
    write_liris(tmp_path, FILMS)
    (tmp_path / DESCRIPTION).write_text(xml)
    with pytest.raises(AnnotationError, match=match):
        dataset(tmp_path, split='test')


# (An XML file may be UTF-16: its byte order mark says so.)
@pytest.mark.parametrize('file,encoding,looks',
                         [(RANKING, 'utf-16', 'UTF-16'),
                          (SETS, 'utf-16', 'UTF-16'),
                          (RANKING, 'latin-1', 'Latin-1'),
                          (SETS, 'latin-1', 'Latin-1'),
                          (DESCRIPTION, 'latin-1', 'Latin-1')])
def test_annotation_file_not_in_utf8(tmp_path, file, encoding, looks):
    write_liris(tmp_path, FILMS)
    path = tmp_path / file
    text = path.read_text(encoding='utf-8')
    # 'É' is one byte in Latin-1, which is not UTF-8
    path.write_bytes(text.replace('ACCEDE00000', 'ACCÉDE00000').encode(
        encoding))
    with pytest.raises(AnnotationError,
                       match=rf'{re.escape(str(path))}, line \d+: not UTF-8 '
                       rf'text \(byte 0x.. at offset \d+.*{looks}'):
        dataset(tmp_path)


def test_bad_header(tmp_path):
    write_liris(tmp_path, FILMS)
    path = tmp_path / SETS
    path.write_text(path.read_text().replace('set', 'fold', 1))
    with pytest.raises(AnnotationError, match=r"line 1: .*lacks .*'set'"):
        dataset(tmp_path)


def test_id_in_one_file_but_not_the_other(tmp_path):
    write_liris(
        tmp_path,
        FILMS,
        sets_lines=[f'{c["id"]}\tx\t{c["set"]}' for c in FILMS[:-1]])
    with pytest.raises(AnnotationError, match=r'missing from .*ACCEDEsets.*'
                       r'\[4\]'):
        dataset(tmp_path)


@pytest.mark.parametrize('field,value', [('valence', 'nan'),
                                         ('arousal', 7.5), ('vvar', -0.1),
                                         ('valence', 'inf')])
def test_nan_or_out_of_range_label_names_the_clip(tmp_path, field, value):
    clips = [dict(c) for c in FILMS]
    clips[1][field] = value
    write_liris(tmp_path, clips)
    with pytest.raises(AnnotationError, match=r'line 3: clip ACCEDE00001.mp4'):
        dataset(tmp_path, split='test')


def test_missing_clip_is_named(tmp_path):
    write_liris(tmp_path, FILMS)
    (tmp_path / VIDEOS / 'ACCEDE00004.mp4').unlink()
    with pytest.raises(FileNotFoundError, match='ACCEDE00004.mp4'):
        dataset(tmp_path, split='test')
    assert len(dataset(tmp_path, split='learning')) == 1


def test_split_sharing_a_film_with_another_set_is_refused(tmp_path):
    clips = [dict(c) for c in FILMS]
    clips[3]['film'] = 'A.mp4'  # a validation clip from a test film
    write_liris(tmp_path, clips)
    with pytest.raises(AnnotationError, match=r"shares film\(s\) \['A.mp4'\]"):
        dataset(tmp_path, split='test')
    assert len(dataset(tmp_path, split='test', description_file=None)) == 3


def _pipeline(num_segments=4, test_mode=True):
    return [
        dict(type='DecordInit'),
        dict(
            type='SegmentSampleFrames',
            num_segments=num_segments,
            target_fps=5,
            test_mode=test_mode),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(16, 16), keep_ratio=False),
        dict(type='FormatShape', input_format='NCHW'),
        dict(type='PackEmotionInputs')
    ]


def test_pipeline_packs_float_targets(tiny_liris):
    ds = LIRISACCEDEDataset(
        data_root=str(tiny_liris),
        split='test',
        splits=dict(train=[0], val=[2], test=[1]),
        pipeline=_pipeline(),
        test_mode=True)
    item = ds[0]
    assert item['inputs'].shape == (4, 3, 16, 16)
    sample = item['data_samples']
    assert sample.gt_values.dtype == torch.float32
    np.testing.assert_allclose(sample.gt_values.numpy(),
                               ds.get_data_info(0)['gt_values'])
    assert sample.gt_variances.shape == (2, )
    assert sample.metainfo['name'] == ds.get_data_info(0)['name']
    assert 'gt_labels' not in sample and 'gt_label' not in sample


def _linked_copy(tiny_liris, tmp_path):
    """A copy of the tiny dataset made of links to its files."""
    root = tmp_path / 'liris'
    for path in tiny_liris.rglob('*'):
        if path.is_file():
            target = root / path.relative_to(tiny_liris)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    return root


def _replace(path, data):
    path.unlink()
    path.write_bytes(data)


def _with_corrupt_clip(tiny_liris, tmp_path):
    """A copy of the tiny dataset whose first training clip has an intact
    mp4 index (it opens, and probes well) but zeroed frames (FFmpeg fails
    to decode them)."""
    root = _linked_copy(tiny_liris, tmp_path)
    ds = LIRISACCEDEDataset(data_root=str(root), split=[0], pipeline=[])
    bad = root / VIDEOS / ds.get_data_info(0)['name']
    data = bytearray(bad.read_bytes())
    frames = slice(data.index(b'mdat') + 4, data.index(b'moov') - 4)
    data[frames] = bytes(frames.stop - frames.start)
    _replace(bad, bytes(data))
    return root, bad


def test_unreadable_clip_fails_evaluation(tiny_liris, tmp_path):
    root, bad = _with_corrupt_clip(tiny_liris, tmp_path)
    ds = LIRISACCEDEDataset(
        data_root=str(root), split=[0], pipeline=_pipeline(), test_mode=True)
    with pytest.raises(RuntimeError, match=f'Cannot read clip .*{bad.name}'):
        ds[0]


def test_unreadable_clip_is_skipped_and_counted_in_training(
        tiny_liris, tmp_path):
    root, bad = _with_corrupt_clip(tiny_liris, tmp_path)
    ds = LIRISACCEDEDataset(
        data_root=str(root),
        split=[0],
        pipeline=_pipeline(test_mode=False),
        max_skipped_clips=1)
    for _ in range(3):  # each time replaced by a readable clip
        item = ds[0]
        assert item['data_samples'].metainfo['name'] != bad.name
    assert list(ds.skipped_clips) == [str(bad)]
    assert ds.skipped_clips[str(bad)] >= 3
    # emptied after the dataset was built: decord cannot open it
    _replace(root / VIDEOS / ds.get_data_info(1)['name'], b'')
    with pytest.raises(RuntimeError, match='more than max_skipped_clips=1'):
        ds[1]


def _fail(results):
    raise RuntimeError('a bug in a transform')


def test_transform_error_stops_training(tiny_liris):
    ds = LIRISACCEDEDataset(
        data_root=str(tiny_liris),
        split=[0],
        pipeline=[*_pipeline(test_mode=False), _fail])
    with pytest.raises(RuntimeError, match='a bug in a transform'):
        ds[0]
    assert ds.skipped_clips == {}


@pytest.mark.parametrize('test_mode', [True, False])
def test_clips_too_short_are_all_named_when_built(tiny_liris, test_mode):
    with pytest.raises(BadClipsError) as err:
        LIRISACCEDEDataset(
            data_root=str(tiny_liris),
            split='learning',
            pipeline=_pipeline(num_segments=21, test_mode=test_mode),
            test_mode=test_mode,
            probe_cache=None)
    message = str(err.value)
    assert '4 of the 4 clips' in message
    # 3-4 s clips at 25 fps give 15-20 frames at 5 fps
    assert len(re.findall(r'ACCEDE\d{5}.mp4: has (1[5-9]|20) frames at 5 '
                          r'fps \(\d+ at 25 fps in the file\), fewer than '
                          'the 21 ', message)) == 4


def test_unreadable_clips_are_named_when_built(tiny_liris, tmp_path):
    root = _linked_copy(tiny_liris, tmp_path)
    ds = LIRISACCEDEDataset(data_root=str(root), split=[1], pipeline=[])
    names = [ds.get_data_info(i)['name'] for i in range(2)]
    _replace(root / VIDEOS / names[0], b'not a video' * 100)
    _replace(root / VIDEOS / names[1], b'')
    with pytest.raises(BadClipsError) as err:
        LIRISACCEDEDataset(
            data_root=str(root), split=[1], pipeline=_pipeline(num_segments=2))
    assert '2 of the 4 clips' in str(err.value)
    for name in names:
        assert f'{name}: cannot be read as a video (Invalid data' in str(
            err.value)
