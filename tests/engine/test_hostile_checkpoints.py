"""Every hostile checkpoint of ``tests/hostile_checkpoints.py`` is refused,
naming the file, through every way a checkpoint gets loaded, and nothing in
it runs: a marker file that each payload would create stays absent."""
import sys
from pathlib import Path
from typing import Callable, Dict

import pytest
import torch
from conftest import CONFIG, REPO, run, run_in_process
from hostile_checkpoints import (OTHER_FILES, PAYLOADS, RUNS_CODE,
                                 old_allowlist, write_corpus)
from mmengine.runner.checkpoint import _load_checkpoint, load_checkpoint

from emovid_mm.apis import init_model
from emovid_mm.engine import (CorruptCheckpointError, UnsafeCheckpointError,
                              load_local_checkpoint)

REFUSALS = (UnsafeCheckpointError, CorruptCheckpointError)


@pytest.fixture(scope='module')
def corpus(tmp_path_factory) -> Dict[str, Path]:
    folder = tmp_path_factory.mktemp('hostile')
    files = write_corpus(folder / 'files', folder / 'marker')
    files['_marker'] = folder / 'marker'
    # What ``import_via_getattr_build`` imports.
    (folder / 'modules').mkdir()
    (folder / 'modules' / 'pwned_module.py'
     ).write_text(f'open({str(folder / "marker")!r}, "w").write("imported")\n')
    files['_modules'] = folder / 'modules'
    return files


@pytest.fixture
def marker(corpus, monkeypatch) -> Path:
    marker = corpus['_marker']
    marker.unlink(missing_ok=True)
    monkeypatch.syspath_prepend(str(corpus['_modules']))
    monkeypatch.delitem(sys.modules, 'pwned_module', raising=False)
    yield marker
    assert not marker.exists(), 'the payload ran'


NAMES = [*PAYLOADS, *OTHER_FILES]


def test_the_corpus_is_complete(corpus):
    assert sorted(NAMES) == sorted(k for k in corpus if not k[0] == '_')


@pytest.mark.parametrize('name', [*RUNS_CODE, 'legacy_format_exec'])
def test_payload_runs_with_the_old_allowlist(corpus, marker, name):
    """The payloads are real: with the raw ``getattr`` and ``HistoryBuffer``
    allowed (this project's former allowlist), loading runs them."""
    with torch.serialization.safe_globals(old_allowlist()):
        torch.load(corpus[name], weights_only=True)
    assert marker.exists()
    marker.unlink()


#: The ways a checkpoint is loaded, each given the file, the tiny data and
#: a work dir.
LIBRARY_ENTRY_POINTS: Dict[str, Callable[[str, Path, Path], object]] = {
    'load_local_checkpoint':
    lambda f, data, work: load_local_checkpoint(f),
    'mmengine _load_checkpoint':
    lambda f, data, work: _load_checkpoint(f, map_location='cpu'),
    'mmengine load_checkpoint':
    lambda f, data, work: load_checkpoint(torch.nn.Linear(2, 2), f),
    'apis.init_model':
    lambda f, data, work: init_model(CONFIG, f, device='cpu'),
}
TOOL_ENTRY_POINTS: Dict[str, Callable[[str, Path, Path], object]] = {
    'tools/test.py':
    lambda f, data, work: run_in_process(
        'tools/test.py', CONFIG, f, '--data-root', str(data), '--work-dir',
        str(work)),
    'tools/train.py --resume':
    lambda f, data, work: run_in_process('tools/train.py',
                                         CONFIG, '--resume', f, '--data-root',
                                         str(data), '--work-dir', str(work)),
    'tools/train.py load_from':
    lambda f, data, work: run_in_process(
        'tools/train.py', CONFIG, '--data-root', str(data), '--work-dir',
        str(work), '--cfg-options', f'load_from={f}'),
}
#: One file of each kind of attack for the tools (about 3 s a run, in this
#: process): they reach the loader only through MMEngine's CheckpointLoader,
#: as the library entry points do, which every file goes through.
TOOL_NAMES = ('exec_via_getattr_build', 'import_via_getattr_build',
              'reduce_os_system', 'history_buffer_built_twice',
              'numpy_dtype_flagged_as_objects', 'ordered_dict_attributes',
              'stand_in_by_own_path', 'legacy_format_exec', 'truncated_zip',
              'tensor_larger_than_storage')


def _refused(path: str, load: Callable[[], object], work: Path) -> None:
    with pytest.raises(REFUSALS) as info:
        load()
    assert path in str(info.value)
    # Torch's advice to allowlist the global or drop weights_only is cut.
    assert 'Please use' not in str(info.value)
    assert 'Re-running' not in str(info.value)
    assert not (work / 'epoch_1.pth').exists()


@pytest.mark.parametrize('entry', list(LIBRARY_ENTRY_POINTS))
@pytest.mark.parametrize('name', NAMES)
def test_hostile_checkpoint_is_refused(corpus, marker, tiny_liris, tmp_path,
                                       name, entry):
    path = str(corpus[name])
    _refused(path, lambda: LIBRARY_ENTRY_POINTS[entry]
             (path, tiny_liris, tmp_path), tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize('entry', list(TOOL_ENTRY_POINTS))
@pytest.mark.parametrize('name', TOOL_NAMES)
def test_hostile_checkpoint_is_refused_by_the_tools(corpus, marker, tiny_liris,
                                                    tmp_path, name, entry):
    path = str(corpus[name])
    _refused(path, lambda: TOOL_ENTRY_POINTS[entry]
             (path, tiny_liris, tmp_path), tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize('name', ['exec_via_getattr_build', 'garbage'])
def test_command_lines_refuse_before_anything_runs(corpus, marker, tiny_liris,
                                                   tmp_path, name):
    """The real command lines, in their own processes."""
    path = str(corpus[name])
    for args in (('tools/test.py', CONFIG, path), ('tools/train.py', CONFIG,
                                                   '--resume', path)):
        proc = run(*args,
                   '--data-root',
                   str(tiny_liris),
                   '--work-dir',
                   str(tmp_path),
                   check=False)
        assert proc.returncode != 0
        assert path in proc.stderr
        assert ('UnsafeCheckpointError' in proc.stderr
                or 'CorruptCheckpointError' in proc.stderr)


def test_docs_table_is_what_the_corpus_prints():
    """docs/checkpoints.md shows what ``python tests/hostile_checkpoints.py``
    prints today."""
    table = run('tests/hostile_checkpoints.py').stdout
    assert table.strip() in (REPO / 'docs/checkpoints.md').read_text()
