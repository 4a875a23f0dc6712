"""Load MMEngine checkpoints without letting them run code.

``torch.load(weights_only=True)`` unpickles tensors and plain containers,
and calls only the globals of its allowlist. MMEngine 0.10 checkpoints also
hold a ``HistoryBuffer`` and numpy arrays and scalars in their
``message_hub`` meta, which that allowlist lacks, so ``load_from``,
``--resume`` and testing a checkpoint fail with torch >= 2.6.

Allowlisting those classes and functions as they are would be unsafe: an
allowed *callable* becomes a tool of the pickle (``getattr`` walks to
``builtins.exec``), and BUILD calls ``__setstate__`` on any allowed class,
whose own ``__setstate__`` may store what the pickle says (HistoryBuffer's
copies the state into ``__dict__``, so a second BUILD calls a stored
``__setstate__``, and it updates a class-wide dict). So each global an
MMEngine checkpoint names is resolved to a narrow stand-in of this module
(:data:`CHECKPOINT_SAFE_GLOBALS`):

* ``mmengine.logging.history_buffer.HistoryBuffer``:
  :class:`_HistoryBufferState`, whose BUILD accepts exactly a HistoryBuffer's
  state and then turns it into one, which torch lets no pickle BUILD again;
* ``builtins.getattr``: :func:`_statistics_method`, which returns only
  HistoryBuffer's ``min``, ``max``, ``current`` and ``mean``;
* ``numpy.dtype``: :func:`_numpy_dtype`, a new copy of a plain numeric or
  string dtype;
* ``numpy.ndarray``: :class:`_CheckedArray`, whose BUILD checks the dtype,
  shape and size of the data;
* ``numpy._core.multiarray._reconstruct`` and ``scalar`` (``numpy.core`` in
  numpy 1): numpy's functions, for plain dtypes only.

Everything else, including every other callable, is refused by torch; after
loading, :func:`_sanitize` checks what came out (no odd dtype, no tensor
with attributes or hooks, no ``OrderedDict`` carrying attributes other than
``_metadata``) and turns the
stand-ins into plain numpy arrays. Importing :mod:`emovid_mm` makes MMEngine
load local files and ``http(s)://`` URLs (hence ``open-mmlab://``,
``torchvision://`` and ``mmcls://``) through :func:`load_local_checkpoint`.
"""
import os
import os.path as osp
import pickle
from collections import OrderedDict
from contextlib import contextmanager
from importlib import import_module
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlparse

import numpy as np
import torch
from mmengine.dist import barrier, get_dist_info
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import CheckpointLoader

# (not ``import ... as``: mmengine.runner has a function of that name)
mmengine_checkpoint = import_module('mmengine.runner.checkpoint')
_multiarray = getattr(np, '_core', None) or np.core
_multiarray = _multiarray.multiarray

#: dtype kinds a checkpoint may hold: bool, (unsigned) integers, floats,
#: complex numbers, str and bytes. No objects, no structured dtypes.
PLAIN_DTYPE_KINDS = 'biufcUS'
#: HistoryBuffer's built-in statistics, pickled as ``getattr(cls, name)``.
HISTORY_STATISTICS = ('min', 'max', 'current', 'mean')
#: Attributes a torch state dict (an OrderedDict) may carry.
ORDERED_DICT_ATTRIBUTES = {'_metadata'}


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint pickles objects outside an MMEngine checkpoint's types,
    or allowed types in a way real checkpoints never do."""


class CorruptCheckpointError(RuntimeError):
    """A checkpoint file is truncated, damaged or not a torch file."""


def _plain_dtype(spec: Any) -> np.dtype:
    """``np.dtype(spec)`` if it is a plain dtype, else refuse."""
    if not isinstance(spec, (str, bytes, np.dtype)):
        raise UnsafeCheckpointError(
            f'dtype spec of type {type(spec).__name__}')
    try:
        dtype = np.dtype(spec)
    except TypeError as err:
        raise UnsafeCheckpointError(f'dtype {spec!r}: {err}')
    canonical = np.dtype(dtype.str)
    if (dtype.kind not in PLAIN_DTYPE_KINDS or dtype.fields is not None
            or dtype.subdtype is not None or dtype.hasobject
            or dtype.metadata is not None or dtype != canonical
            or dtype.flags != canonical.flags):
        raise UnsafeCheckpointError(
            f'dtype {dtype!r} (kind {dtype.kind!r}, flags '
            f'{dtype.flags}): only plain numeric and string dtypes')
    return dtype


def _numpy_dtype(spec: Any, align: bool = False, copy: bool = True):
    """``numpy.dtype``: a new copy (never numpy's shared instance, which a
    later BUILD would alter) of a plain dtype."""
    if not isinstance(spec, str):
        raise UnsafeCheckpointError(f'numpy.dtype({type(spec).__name__})')
    return np.dtype(_plain_dtype(spec), bool(align), True)


class _CheckedArray(np.ndarray):
    """``numpy.ndarray`` while unpickling: BUILD sets only a plain dtype and
    data of the right size. :func:`_sanitize` views it as an ndarray."""

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise UnsafeCheckpointError(
                f'ndarray state {type(state).__name__}')
        shape, dtype, _, data = state[-4:]
        if (not isinstance(shape, tuple)
                or not all(type(n) is int and n >= 0 for n in shape)
                or not isinstance(data, (bytes, bytearray))):
            raise UnsafeCheckpointError(
                'ndarray state: shape must be ints, data bytes')
        dtype = _plain_dtype(dtype)
        if len(data) != dtype.itemsize * int(np.prod(shape, dtype=object)):
            raise UnsafeCheckpointError(
                f'ndarray of shape {shape} and dtype {dtype} with '
                f'{len(data)} bytes of data')
        super().__setstate__(state)


def _reconstruct(subtype: Any, shape: Any, dtype: Any) -> np.ndarray:
    """``numpy.core.multiarray._reconstruct`` of an empty plain array."""
    if subtype is not _CheckedArray or shape != (0, ):
        raise UnsafeCheckpointError(
            f'_reconstruct({getattr(subtype, "__name__", subtype)}, '
            f'{shape!r}) (numpy pickles arrays as (ndarray, (0,)))')
    return _multiarray._reconstruct(subtype, shape, _plain_dtype(dtype))


def _scalar(dtype: Any, data: Any) -> np.generic:
    """``numpy.core.multiarray.scalar`` of a plain dtype from its bytes."""
    dtype = _plain_dtype(dtype)
    if not isinstance(data, bytes) or len(data) != dtype.itemsize:
        raise UnsafeCheckpointError(
            f'numpy scalar of dtype {dtype} from {type(data).__name__}')
    return _multiarray.scalar(dtype, data)


class _HistoryBufferState:
    """``HistoryBuffer`` while unpickling: BUILD takes exactly the state
    MMEngine pickles, then the object becomes a HistoryBuffer, which torch
    does not let a pickle BUILD again."""

    def __setstate__(self, state: Any) -> None:
        keys = {'max_length', '_log_history', '_count_history'}
        if (not isinstance(state, dict)
                or not keys <= set(state) <= keys | {'statistics_methods'}):
            keys_found = sorted(map(repr, state)) if isinstance(
                state, dict) else []
            raise UnsafeCheckpointError(
                f'HistoryBuffer state {type(state).__name__} {keys_found}')
        length = state['max_length']
        log, count = state['_log_history'], state['_count_history']
        if type(length) is not int or length < 1:
            raise UnsafeCheckpointError(f'HistoryBuffer max_length {length!r}')
        for history in (log, count):
            if (not isinstance(history, np.ndarray) or history.ndim != 1
                    or history.dtype.kind not in 'biuf'
                    or len(history) != len(log)):
                raise UnsafeCheckpointError(
                    'HistoryBuffer histories must be 1-d numeric arrays '
                    'of one length')
        for name, method in state.get('statistics_methods', {}).items():
            if name not in HISTORY_STATISTICS or method is not getattr(
                    HistoryBuffer, name):
                raise UnsafeCheckpointError(
                    f'HistoryBuffer statistics method {name!r}')
        self.__dict__.update(max_length=length,
                             _log_history=np.asarray(log).view(np.ndarray),
                             _count_history=np.asarray(count).view(np.ndarray))
        self.__class__ = HistoryBuffer
        self._set_default_statistics()


def _statistics_method(owner: Any, name: Any) -> Any:
    """``getattr`` for what MMEngine pickles: HistoryBuffer's statistics."""
    if owner is not _HistoryBufferState or name not in HISTORY_STATISTICS:
        raise UnsafeCheckpointError(
            f'getattr({getattr(owner, "__name__", type(owner).__name__)}'
            f', {name!r}): only HistoryBuffer\'s {HISTORY_STATISTICS}')
    return getattr(HistoryBuffer, name)


def _plain_dtype_classes() -> List[type]:
    """The classes of plain dtypes, which BUILD needs to be allowed."""
    return sorted(
        {
            type(np.dtype(code))
            for code in np.typecodes['All']
            if np.dtype(code).kind in PLAIN_DTYPE_KINDS
        },
        key=lambda cls: cls.__name__)


def _numpy_paths(name: str) -> List[str]:
    # numpy 2 writes numpy._core, numpy 1 numpy.core.
    return [f'numpy._core.multiarray.{name}', f'numpy.core.multiarray.{name}']


#: What ``torch.load(weights_only=True)`` may call or build on top of its
#: defaults, as ``(stand-in, global named in the pickle)``.
CHECKPOINT_SAFE_GLOBALS: List[Tuple[Any, str]] = [
    (_HistoryBufferState, 'mmengine.logging.history_buffer.HistoryBuffer'),
    (_statistics_method, 'builtins.getattr'),
    (_numpy_dtype, 'numpy.dtype'),
    (_CheckedArray, 'numpy.ndarray'),
    *((_reconstruct, path) for path in _numpy_paths('_reconstruct')),
    *((_scalar, path) for path in _numpy_paths('scalar')),
    # BUILD needs the classes of dtypes allowed, but no pickle should name
    # one (NEWOBJ would make numpy's shared dtype, and BUILD alter it): a
    # GLOBAL's module and name are lines, so no GLOBAL matches these names.
    *((cls, f'{cls.__module__}.{cls.__qualname__}\n(BUILD only)')
      for cls in _plain_dtype_classes()),
]


def _global_name(entry: Any) -> str:
    if isinstance(entry, tuple):
        return entry[1]
    return f'{entry.__module__}.{entry.__qualname__}'


@contextmanager
def _checkpoint_globals() -> Iterator[None]:
    """Allow :data:`CHECKPOINT_SAFE_GLOBALS` (over any entry of the user's
    allowlist with the same name), then restore the allowlist."""
    before = torch.serialization.get_safe_globals()
    ours = {name for _, name in CHECKPOINT_SAFE_GLOBALS}
    torch.serialization.clear_safe_globals()
    try:
        torch.serialization.add_safe_globals(
            [g for g in before if _global_name(g) not in ours] +
            CHECKPOINT_SAFE_GLOBALS)
        yield
    finally:
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(before)


def _sanitize(obj: Any, seen: Dict[int, Any]) -> Any:
    """Check what was unpickled and return it with plain numpy arrays."""
    if id(obj) in seen:
        return seen[id(obj)]
    if isinstance(obj, np.ndarray):
        _plain_dtype(obj.dtype)
        out = obj.view(np.ndarray) if type(obj) is _CheckedArray else obj
    elif isinstance(obj, np.dtype):
        out = _plain_dtype(obj)
    elif isinstance(obj, torch.Tensor):
        # torch's _rebuild_parameter_with_state sets any attribute, and
        # backward hooks, that the pickle gives.
        if vars(obj) or obj._backward_hooks:
            raise UnsafeCheckpointError(
                f'a tensor with attributes {sorted(vars(obj))} or backward '
                'hooks')
        out = obj
    elif isinstance(obj, (str, bytes, int, float, type(None))):
        out = obj
    elif isinstance(obj, _HistoryBufferState):
        raise UnsafeCheckpointError(
            'a HistoryBuffer that was never given its state')
    else:
        out = obj
        if isinstance(obj, OrderedDict):
            extra = set(vars(obj)) - ORDERED_DICT_ATTRIBUTES
            if extra:
                raise UnsafeCheckpointError(
                    f'OrderedDict with attributes {sorted(extra)}')
        seen[id(obj)] = out
        if isinstance(obj, dict):
            for key, value in obj.items():
                obj[key] = _sanitize(value, seen)
        elif isinstance(obj, list):
            obj[:] = [_sanitize(value, seen) for value in obj]
        elif isinstance(obj, tuple):
            out = type(obj)(_sanitize(value, seen) for value in obj)
        elif isinstance(obj, HistoryBuffer):
            _sanitize(vars(obj), seen)
    seen[id(obj)] = out
    return out


def load_local_checkpoint(filename: str,
                          map_location: Optional[Any] = None) -> Any:
    """Load a local checkpoint with ``weights_only=True`` and the stand-ins
    of :data:`CHECKPOINT_SAFE_GLOBALS`.

    Raises:
        FileNotFoundError: No such file.
        UnsafeCheckpointError: The file pickles another kind of object, or
            allowed ones in a way MMEngine never writes.
        CorruptCheckpointError: The file cannot be read as a torch file.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Checkpoint {filename} can not be found.')
    try:
        with _checkpoint_globals():
            checkpoint = torch.load(filename,
                                    map_location=map_location,
                                    weights_only=True)
        return _sanitize(checkpoint, {})
    except pickle.UnpicklingError as err:
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint {filename}: it pickles objects '
            'beyond those of an MMEngine checkpoint, or in a way MMEngine '
            'never writes, and loading it could run arbitrary code. Only '
            'load checkpoints you trust; to use such a file, re-save just '
            'its tensors (its "state_dict") in a trusted environment. '
            f'Refused: {_unpickler_reason(err)}') from None
    except Exception as err:  # torch's errors for damaged files vary
        raise CorruptCheckpointError(
            f'Cannot read checkpoint {filename}: it is truncated, damaged or '
            f'not a file written by torch.save ({type(err).__name__}: '
            f'{" ".join(str(err).split())[:300]}). Re-download or re-create '
            'it; to resume, use an earlier checkpoint.') from err


def _unpickler_reason(err: Exception) -> str:
    """What torch's refusal says was refused, without its advice (to allow
    the global, or to load with ``weights_only=False``)."""
    text = str(err).split('Check the documentation of torch.load')[0]
    text = text.split('WeightsUnpickler error:')[-1]
    parts = [
        part for part in text.split('\n\n')
        if part.strip() and not part.startswith('Weights only load failed')
    ]
    reason = ' '.join(' '.join(parts).split())
    return reason.split(' Please use `torch.serialization')[0]


def load_url_checkpoint(filename: str,
                        map_location: Optional[Any] = None,
                        model_dir: Optional[str] = None,
                        progress: bool = os.isatty(0)) -> Any:
    """MMEngine's ``load_from_http``, through :func:`load_local_checkpoint`.

    MMEngine downloads with ``torch.hub.load_state_dict_from_url``, which
    unpickles with ``weights_only=False``: a downloaded file could run code.
    Here the file is downloaded (by rank 0 first, once) into the same cache,
    ``<torch hub dir>/checkpoints``, then loaded safely.
    """
    model_dir = model_dir or osp.join(torch.hub.get_dir(), 'checkpoints')
    cached = osp.join(model_dir, osp.basename(urlparse(filename).path))

    def download() -> None:
        if not osp.isfile(cached):
            os.makedirs(model_dir, exist_ok=True)
            torch.hub.download_url_to_file(filename, cached, progress=progress)

    rank, world_size = get_dist_info()
    if rank == 0:
        download()
    if world_size > 1:
        barrier()
        if rank > 0:  # a rank on another machine
            download()
    return load_local_checkpoint(cached, map_location=map_location)


def register_safe_checkpoint_loader() -> None:
    """Make MMEngine load local files and ``http(s)://`` URLs (hence
    ``open-mmlab://``, ``torchvision://`` and ``mmcls://``, which MMEngine
    resolves to URLs) through :func:`load_local_checkpoint`."""
    CheckpointLoader.register_scheme(prefixes='',
                                     force=True)(load_local_checkpoint)
    CheckpointLoader.register_scheme(prefixes=('http://', 'https://'),
                                     force=True)(load_url_checkpoint)
    # MMEngine's other URL schemes call this module-level name directly.
    mmengine_checkpoint.load_from_http = load_url_checkpoint
