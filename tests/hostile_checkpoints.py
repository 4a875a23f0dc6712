"""A corpus of hostile checkpoints, written opcode by opcode.

Each payload is a pickle fragment that ``torch.load``'s unpickler would run
up to the point where it does harm; the harm is always to create a marker
file, so that a test can prove nothing ran. :func:`write_corpus` writes each
as a torch zip file (or in torch's legacy format, or damaged) whose
``meta.payload`` is the fragment, next to a genuine ``state_dict``.
"""
import pickle
import struct
import zipfile
from pathlib import Path
from typing import Callable, Dict, List

import torch

HISTORY_BUFFER = ('mmengine.logging.history_buffer', 'HistoryBuffer')


class Pickle:
    """Protocol-2 pickle opcodes, appended by hand."""

    def __init__(self) -> None:
        self.data = bytearray()

    def op(self, code: bytes) -> 'Pickle':
        self.data += code
        return self

    def glob(self, module: str, name: str) -> 'Pickle':
        return self.op(b'c' + f'{module}\n{name}\n'.encode())

    def str(self, text: str) -> 'Pickle':
        raw = text.encode()
        return self.op(b'X' + struct.pack('<I', len(raw)) + raw)

    def bytes(self, raw: bytes) -> 'Pickle':
        # as numpy's reduce writes bytes in protocol 2
        self.glob('_codecs', 'encode').str(raw.decode('latin1'))
        return self.str('latin1').op(b'\x86R')

    def int(self, value: int) -> 'Pickle':
        return self.op(b'J' + struct.pack('<i', value))

    def put(self, index: int) -> 'Pickle':
        return self.op(b'r' + struct.pack('<I', index))

    def get(self, index: int) -> 'Pickle':
        return self.op(b'j' + struct.pack('<I', index))

    def call(self, *args: Callable[['Pickle'], object]) -> 'Pickle':
        """REDUCE: the callable is on the stack; ``args`` push arguments."""
        self.op(b'(')
        for arg in args:
            arg(self)
        return self.op(b'tR')


# ------------------------------------------------------------ the payloads
# Each takes the marker file's path and returns a pickle fragment.


def _getattr_of(obj: Callable[[Pickle], object], name: str):
    """Push ``getattr(obj, name)``, ``getattr`` being memo 900."""
    return lambda p: p.get(900).call(obj, lambda q: q.str(name))


def _builtins(p: Pickle) -> None:
    """Push the builtins module: ``getattr(getattr, '__self__')``."""
    p.glob('__builtin__', 'getattr').put(900)
    p.call(lambda q: q.get(900), lambda q: q.str('__self__'))


def _setstate_chain(function: str, argument: str) -> bytes:
    """BUILD a HistoryBuffer with ``{'__setstate__': builtins.FUNCTION}``
    (HistoryBuffer's own ``__setstate__`` puts it in ``__dict__``), then
    BUILD it again with ``argument``: the second BUILD calls
    ``FUNCTION(argument)``."""
    p = Pickle()
    _builtins(p)
    p.put(901)  # the module stays on the stack, in the payload's tuple
    p.glob(*HISTORY_BUFFER).op(b')\x81')  # NEWOBJ: an empty instance
    p.op(b'}').str('__setstate__')
    _getattr_of(lambda q: q.get(901), function)(p)
    p.op(b's')  # SETITEM
    p.op(b'b')  # BUILD
    p.str(argument).op(b'b')  # BUILD again: FUNCTION(argument)
    return bytes(p.data)


def exec_via_getattr_build(marker: Path) -> bytes:
    return _setstate_chain('exec', f'open({str(marker)!r}, "w").write("x")')


def eval_via_getattr_build(marker: Path) -> bytes:
    return _setstate_chain(
        'eval', f'__import__("os").system("touch {marker}")')


def os_via_import_in_exec(marker: Path) -> bytes:
    return _setstate_chain(
        'exec', f'import os; os.system("touch {marker}")')


def subprocess_via_exec(marker: Path) -> bytes:
    return _setstate_chain(
        'exec', f'import subprocess; subprocess.run(["touch", "{marker}"])')


def import_via_getattr_build(marker: Path) -> bytes:
    """``__import__(name)`` of a module that writes the marker: the test
    puts ``pwned_module.py`` on ``sys.path``."""
    return _setstate_chain('__import__', 'pwned_module')


def reduce_os_system(marker: Path) -> bytes:
    return bytes(Pickle().glob('os', 'system').call(
        lambda p: p.str(f'touch {marker}')).data)


def reduce_posix_system(marker: Path) -> bytes:
    return bytes(Pickle().glob('posix', 'system').call(
        lambda p: p.str(f'touch {marker}')).data)


def reduce_subprocess(marker: Path) -> bytes:
    return bytes(Pickle().glob('subprocess', 'getoutput').call(
        lambda p: p.str(f'touch {marker}')).data)


def reduce_builtins_exec(marker: Path) -> bytes:
    return bytes(Pickle().glob('builtins', 'exec').call(
        lambda p: p.str(f'open({str(marker)!r}, "w")')).data)


def reduce_eval_by_old_name(marker: Path) -> bytes:
    return bytes(Pickle().glob('__builtin__', 'eval').call(
        lambda p: p.str(f'open({str(marker)!r}, "w")')).data)


def getattr_of_builtins(marker: Path) -> bytes:
    """Just fetch ``exec`` through ``getattr`` (the first step of every
    chain)."""
    p = Pickle()
    _builtins(p)
    p.put(901)
    _getattr_of(lambda q: q.get(901), 'exec')(p)
    return bytes(p.data)


def getattr_of_history_buffer_globals(marker: Path) -> bytes:
    """``getattr(HistoryBuffer, 'update').__globals__``: a module's dict."""
    p = Pickle().glob('__builtin__', 'getattr').put(900)
    _getattr_of(_getattr_of(lambda q: q.glob(*HISTORY_BUFFER), 'update'),
                '__globals__')(p)
    return bytes(p.data)


def history_buffer_hostile_keys(marker: Path) -> bytes:
    """A HistoryBuffer state with a ``__class__`` next to the real keys."""
    p = Pickle().glob(*HISTORY_BUFFER).op(b')\x81}(')
    p.str('max_length').int(10)
    p.str('__class__').glob('collections', 'OrderedDict')
    return bytes(p.op(b'ub').data)


def history_buffer_built_twice(marker: Path) -> bytes:
    """A genuine HistoryBuffer state, then a second BUILD with
    ``{'__setstate__': ...}``."""
    p = Pickle().glob(*HISTORY_BUFFER).op(b')\x81')
    p.op(b'}(').str('max_length').int(10)
    for key in ('_log_history', '_count_history'):
        p.str(key)
        _empty_array(p, 'f8')
    p.op(b'ub')
    p.op(b'}').str('__setstate__').glob('collections', 'OrderedDict')
    return bytes(p.op(b'sb').data)


def history_buffer_statistics_hijack(marker: Path) -> bytes:
    """Register a "statistics method" that is not HistoryBuffer's (its real
    ``__setstate__`` copies these into a class-wide dict)."""
    p = Pickle().glob(*HISTORY_BUFFER).op(b')\x81')
    p.op(b'}(').str('max_length').int(10)
    for key in ('_log_history', '_count_history'):
        p.str(key)
        _empty_array(p, 'f8')
    p.str('statistics_methods').op(b'}').str('mean')
    p.glob('collections', 'OrderedDict')
    return bytes(p.op(b'sub').data)


def _dtype(p: Pickle, spec: str) -> None:
    p.glob('numpy', 'dtype').call(lambda q: q.str(spec),
                                  lambda q: q.op(b'\x89'),
                                  lambda q: q.op(b'\x88'))


def _empty_array(p: Pickle, spec: str, flags: int = 0) -> None:
    """numpy's own pickle of an empty array of ``spec``."""
    p.glob('numpy._core.multiarray', '_reconstruct')
    p.call(lambda q: q.glob('numpy', 'ndarray'),
           lambda q: q.int(0).op(b'\x85'), lambda q: q.bytes(b'b'))
    p.op(b'(').int(1).int(0).op(b'\x85')
    _dtype(p, spec)
    p.op(b'(').int(3).str('<').op(b'NNN').int(-1).int(-1).int(flags)
    p.op(b'tb')  # the dtype's state
    p.op(b'\x89').bytes(b'').op(b'tb')  # the array's state


def numpy_object_dtype(marker: Path) -> bytes:
    p = Pickle()
    _dtype(p, 'O')
    return bytes(p.data)


def numpy_void_dtype(marker: Path) -> bytes:
    p = Pickle()
    _dtype(p, 'V8')
    return bytes(p.data)


def numpy_dtype_flagged_as_objects(marker: Path) -> bytes:
    """A float64 dtype whose BUILD sets the 'holds objects' flags."""
    p = Pickle()
    _empty_array(p, 'f8', flags=0x1 | 0x2 | 0x8 | 0x10 | 0x20)
    return bytes(p.data)


def numpy_reconstruct_other_class(marker: Path) -> bytes:
    p = Pickle().glob('numpy._core.multiarray', '_reconstruct')
    p.call(lambda q: q.glob(*HISTORY_BUFFER),
           lambda q: q.int(0).op(b'\x85'), lambda q: q.bytes(b'b'))
    return bytes(p.data)


def numpy_reconstruct_huge(marker: Path) -> bytes:
    p = Pickle().glob('numpy.core.multiarray', '_reconstruct')
    p.call(lambda q: q.glob('numpy', 'ndarray'),
           lambda q: q.int(2**31 - 1).int(2**31 - 1).op(b'\x86'),
           lambda q: q.bytes(b'd'))
    return bytes(p.data)


def numpy_reconstruct_object_array(marker: Path) -> bytes:
    p = Pickle().glob('numpy._core.multiarray', '_reconstruct')
    p.call(lambda q: q.glob('numpy', 'ndarray'),
           lambda q: q.int(0).op(b'\x85'), lambda q: q.bytes(b'O'))
    return bytes(p.data)


def numpy_array_hostile_state(marker: Path) -> bytes:
    """BUILD an array with a dict, as if it were a plain object."""
    p = Pickle().glob('numpy._core.multiarray', '_reconstruct')
    p.call(lambda q: q.glob('numpy', 'ndarray'),
           lambda q: q.int(0).op(b'\x85'), lambda q: q.bytes(b'b'))
    p.op(b'}').str('__setstate__').glob('collections', 'OrderedDict')
    return bytes(p.op(b'sb').data)


def numpy_array_claims_more_data(marker: Path) -> bytes:
    """An array whose shape claims more elements than its bytes hold."""
    p = Pickle().glob('numpy._core.multiarray', '_reconstruct')
    p.call(lambda q: q.glob('numpy', 'ndarray'),
           lambda q: q.int(0).op(b'\x85'), lambda q: q.bytes(b'b'))
    p.op(b'(').int(1).int(2**30).op(b'\x85')
    _dtype(p, 'f8')
    p.op(b'\x89').bytes(b'12345678').op(b'tb')
    return bytes(p.data)


def numpy_dtype_class_newobj(marker: Path) -> bytes:
    """NEWOBJ on a dtype class (numpy's shared float64), then BUILD it."""
    p = Pickle().glob('numpy.dtypes', 'Float64DType').op(b')\x81')
    p.op(b'(').int(3).str('>').op(b'NNN').int(-1).int(-1).int(0x3f)
    return bytes(p.op(b'tb').data)


def numpy_scalar_object(marker: Path) -> bytes:
    p = Pickle().glob('numpy._core.multiarray', 'scalar')
    p.call(lambda q: _dtype(q, 'O'), lambda q: q.str('x'))
    return bytes(p.data)


def ordered_dict_attributes(marker: Path) -> bytes:
    """An OrderedDict (torch builds those by ``__dict__.update``) whose
    ``copy`` and ``keys`` would shadow its methods."""
    p = Pickle().glob('collections', 'OrderedDict').call()
    p.op(b'}(').str('copy').glob('numpy', 'dtype')
    p.str('keys').glob('collections', 'OrderedDict')
    return bytes(p.op(b'ub').data)


def parameter_with_attributes(marker: Path) -> bytes:
    """A Parameter whose ``copy_`` is shadowed and which carries a backward
    hook (torch's ``_rebuild_parameter_with_state`` sets both)."""
    p = Pickle().glob('torch._utils', '_rebuild_parameter_with_state')
    p.op(b'(').glob('torch._utils', '_rebuild_tensor_v2')
    p.op(b'((').str('storage').glob('torch', 'FloatStorage')
    p.str('0').str('cpu').int(2).op(b'tQ')
    p.int(0).int(2).op(b'\x85').int(1).op(b'\x85\x89')
    p.glob('collections', 'OrderedDict').call().op(b'tR')
    p.op(b'\x88')  # requires_grad
    p.glob('collections', 'OrderedDict').call().op(b'(').int(1)
    p.glob('numpy', 'dtype').op(b'u')  # backward hooks {1: hook}
    p.op(b'}').str('copy_').glob('numpy', 'dtype').op(b's')
    return bytes(p.op(b'tR').data)


def history_buffer_by_other_path(marker: Path) -> bytes:
    """The allowed class under the module that re-exports it."""
    return bytes(Pickle().glob('mmengine.logging', 'HistoryBuffer').op(
        b')\x81').data)


def stand_in_by_own_path(marker: Path) -> bytes:
    """The loader's own restricted getattr, named by its real path."""
    return bytes(Pickle().glob('emovid_mm.engine.safe_checkpoint',
                               '_statistics_method').data)


def getattr_by_operator_path(marker: Path) -> bytes:
    return bytes(Pickle().glob('operator', 'attrgetter').call(
        lambda p: p.str('__self__')).data)


#: name -> payload; ``RUNS_CODE`` are those that run code when unpickled
#: with the allowlist this project had before (``getattr`` and the raw
#: ``HistoryBuffer`` allowed).
PAYLOADS: Dict[str, Callable[[Path], bytes]] = {
    f.__name__: f
    for f in (exec_via_getattr_build, eval_via_getattr_build,
              os_via_import_in_exec, subprocess_via_exec,
              import_via_getattr_build, reduce_os_system,
              reduce_posix_system, reduce_subprocess, reduce_builtins_exec,
              reduce_eval_by_old_name, getattr_of_builtins,
              getattr_of_history_buffer_globals,
              history_buffer_hostile_keys, history_buffer_built_twice,
              history_buffer_statistics_hijack, numpy_object_dtype,
              numpy_void_dtype, numpy_dtype_flagged_as_objects,
              numpy_reconstruct_other_class, numpy_reconstruct_huge,
              numpy_reconstruct_object_array, numpy_array_hostile_state,
              numpy_array_claims_more_data, numpy_dtype_class_newobj,
              numpy_scalar_object, ordered_dict_attributes,
              parameter_with_attributes,
              history_buffer_by_other_path, stand_in_by_own_path,
              getattr_by_operator_path)
}
#: The files that are not one payload in a zip checkpoint.
OTHER_FILES = ('legacy_format_exec', 'truncated_zip',
               'zip_without_central_directory', 'garbage', 'empty_file',
               'flipped_bytes_in_pickle', 'storage_claims_huge_size',
               'tensor_larger_than_storage')
RUNS_CODE = ('exec_via_getattr_build', 'eval_via_getattr_build',
             'os_via_import_in_exec', 'subprocess_via_exec',
             'import_via_getattr_build')


def checkpoint_pickle(fragment: bytes, legacy: bool = False) -> bytes:
    """``{'meta': {'payload': (fragment,)}, 'state_dict': torch state
    dict}``, the state dict's tensor in storage ``'0'``; the fragment may
    leave several objects, the tuple takes them all."""
    p = Pickle().op(b'\x80\x02}').str('meta').op(b'}').str('payload')
    p.op(b'(' + fragment + b't').op(b's').op(b's')
    p.str('state_dict').glob('collections', 'OrderedDict').call()
    p.str('cls_head.fc.weight')
    p.glob('torch._utils', '_rebuild_tensor_v2')
    p.op(b'((').str('storage').glob('torch', 'FloatStorage')
    p.str('0').str('cpu').int(2)
    p.op(b'Nt' if legacy else b't')  # legacy ids carry a view (None)
    p.op(b'Q')  # BINPERSID
    p.int(0).int(2).op(b'\x85').int(1).op(b'\x85\x89')
    p.glob('collections', 'OrderedDict').call().op(b'tR')
    p.op(b's')  # into the state dict
    return bytes(p.op(b's.').data)  # the state dict into the checkpoint


def write_zip(path: Path, data_pkl: bytes) -> Path:
    """A torch zip file with the given ``data.pkl``: the other records are
    those ``torch.save`` writes for one 2-float storage."""
    template = path.with_suffix('.template')
    torch.save(torch.zeros(2), template)
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, 'w') as dst:
        for info in src.infolist():
            record = src.read(info.filename)
            if info.filename.endswith('/data.pkl'):
                record = data_pkl
            dst.writestr(info.filename, record)
    template.unlink()
    return path


def write_legacy(path: Path, data_pkl: bytes) -> Path:
    """The same checkpoint in torch's legacy (non-zip) format."""
    with open(path, 'wb') as f:
        for header in (torch.serialization.MAGIC_NUMBER,
                       torch.serialization.PROTOCOL_VERSION,
                       dict(protocol_version=1001, little_endian=True,
                            type_sizes=dict(short=2, int=4, long=4))):
            pickle.dump(header, f, protocol=2)
        f.write(data_pkl)
        pickle.dump(['0'], f, protocol=2)
        f.write(struct.pack('<q', 2) + struct.pack('<2f', 0.5, -0.5))
    return path


def write_corpus(folder: Path, marker: Path) -> Dict[str, Path]:
    """Every hostile file, by name: each payload as a zip checkpoint, the
    exec chain also in the legacy format, plus damaged files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        name: write_zip(folder / f'{name}.pth',
                        checkpoint_pickle(payload(marker)))
        for name, payload in PAYLOADS.items()
    }
    files['legacy_format_exec'] = write_legacy(
        folder / 'legacy_format_exec.pth',
        checkpoint_pickle(exec_via_getattr_build(marker), legacy=True))
    genuine = folder / 'genuine.template'
    torch.save({'state_dict': {'w': torch.zeros(64)}}, genuine)
    raw = genuine.read_bytes()
    genuine.unlink()
    damaged = {
        'truncated_zip': raw[:len(raw) // 2],
        'zip_without_central_directory': raw[:-22],
        'garbage': bytes(range(256)) * 8,
        'empty_file': b'',
        'flipped_bytes_in_pickle': _flip_pickle(raw),
    }
    for name, data in damaged.items():
        files[name] = folder / f'{name}.pth'
        files[name].write_bytes(data)
    files['storage_claims_huge_size'] = write_zip(
        folder / 'storage_claims_huge_size.pth',
        checkpoint_pickle(b'').replace(b'J\x02\x00\x00\x00t',
                                       b'J\xff\xff\xff\x7ft'))
    files['tensor_larger_than_storage'] = write_zip(
        folder / 'tensor_larger_than_storage.pth',
        checkpoint_pickle(b'').replace(
            b'J\x00\x00\x00\x00J\x02\x00\x00\x00\x85',
            b'J\x00\x00\x00\x00J\xff\xff\xff\x7f\x85'))
    return files


def _flip_pickle(raw: bytes) -> bytes:
    """Damage the pickle inside a zip without breaking the zip's index."""
    start = raw.index(b'\x80\x02')
    return raw[:start + 2] + b'\xff\xfe' + raw[start + 4:]


def old_allowlist() -> List[object]:
    """The allowlist this project had: real ``getattr``, ``HistoryBuffer``
    and numpy's functions and dtypes (to show that the payloads are
    real)."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    core = getattr(np, '_core', None) or np.core
    dtypes = [
        obj for obj in vars(np.dtypes).values()
        if isinstance(obj, type) and issubclass(obj, np.dtype)
    ]
    return [
        HistoryBuffer, getattr, core.multiarray._reconstruct,
        core.multiarray.scalar, np.ndarray, np.dtype, *dtypes
    ]


def outcome(load: Callable[[], object], marker: Path) -> str:
    """What loading did: refused (and with what), loaded, and whether the
    payload ran."""
    from emovid_mm.engine.safe_checkpoint import _unpickler_reason
    marker.unlink(missing_ok=True)
    try:
        load()
        result = 'loaded'
    except Exception as err:  # the table reports whatever was raised
        cause = err.__cause__ or err
        reason = _unpickler_reason(cause).split('Refused: ')[-1]
        kind = type(err).__name__
        if err.__cause__ is not None:
            kind += f' ({type(cause).__name__})'
        result = f'{kind}: {reason[:80]}'.rstrip(': ')
    return ('**ran** ' if marker.exists() else '') + result.replace('|', '/')


if __name__ == '__main__':
    # python tests/hostile_checkpoints.py: the table of docs/checkpoints.md.
    import sys
    import tempfile

    import emovid_mm  # noqa: F401
    from emovid_mm.engine import load_local_checkpoint
    from emovid_mm.utils import markdown_table
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / 'marker'
        (Path(tmp) / 'pwned_module.py').write_text(
            f'open({str(marker)!r}, "w").write("imported")\n')
        sys.path.insert(0, tmp)
        rows = []
        for name, path in write_corpus(Path(tmp) / 'files', marker).items():
            sys.modules.pop('pwned_module', None)
            with torch.serialization.safe_globals(old_allowlist()):
                before = outcome(
                    lambda: torch.load(path, weights_only=True), marker)
            sys.modules.pop('pwned_module', None)
            after = outcome(lambda: load_local_checkpoint(str(path)), marker)
            rows.append((f'`{name}`', before, after))
    print(
        markdown_table(('file', 'former allowlist', 'emovid_mm now'), rows))
