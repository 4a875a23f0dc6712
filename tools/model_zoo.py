"""Record evaluated runs and generate model_zoo.md and the metafiles.

Publishing a run takes three steps, the first two being the usual ones::

    python tools/train.py CONFIG --data-root DATA --work-dir WORK --seed 0
    python tools/model_zoo.py record CONFIG WORK --data-root DATA \
        --name NAME --model "ECO Lite" --data-name "..." --data-command "..."
    python tools/model_zoo.py render

``record`` evaluates the work dir's last checkpoint (or ``--checkpoint``)
with ``tools/test.py --dump`` on each split (default: train and test) and
writes the run's record to ``model_zoo/runs/NAME/``:

* ``run.json``: the config and the digest of its settings (model, data
  pipelines, batch size, optimizer, schedule; not the data root), frames and
  input size, parameters and FLOPs per clip at that size (MMEngine's
  ``FlopAnalyzer``, by :mod:`emovid_mm.analysis.model_complexity`), epochs,
  the training time (from the training log's timestamps, resumed sessions
  summed) and machine, the checkpoint's path and SHA-256, the training log's
  path, the data and the commands that reproduce the run;
* ``{split}.csv``: the per-clip predictions (``tools/test.py --dump``);
* ``TIMESTAMP/vis_data/scalars.json``: the training log's scalars, so that
  ``tools/analysis/plot_curves.py model_zoo/runs/NAME`` draws its curves.

It refuses a work dir whose training config (the copy MMEngine saved in it)
has other settings than ``CONFIG``.

``render`` reads every record under ``model_zoo/runs`` and the paper's
reported results (``model_zoo/paper_table4.csv``) and writes
``model_zoo.md``, ``configs/*/metafile.yml`` (MMAction2's metafile format)
and ``model-index.yml``. Every score is computed from the prediction files,
none is typed by hand. It refuses a record whose config has changed since
the run (its digest differs), and ``render --check`` fails when the files in
the repo are not exactly what it would write.
"""
import argparse
import csv
import glob
import hashlib
import json
import os
import os.path as osp
import platform
import re
import shlex
import shutil
import subprocess
import sys
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import yaml
from mmengine.config import Config

from emovid_mm.analysis import analyse
from emovid_mm.evaluation import (format_p_value, read_predictions,
                                  regression_scores)
from emovid_mm.evaluation.functional import MIN_FILMS, film_bootstrap_ci
from emovid_mm.evaluation.metrics.emotion_regression_metric import format_ci
from emovid_mm.utils import clip_shape, markdown_table

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
RUNS_DIR = 'model_zoo/runs'
PAPER_TABLE = 'model_zoo/paper_table4.csv'
MODEL_ZOO = 'model_zoo.md'
MODEL_INDEX = 'model-index.yml'
#: The config sections that define a run (data roots and loader workers
#: aside).
DIGEST_SECTIONS = ('model', 'train_dataloader', 'val_dataloader',
                   'test_dataloader', 'optim_wrapper', 'param_scheduler',
                   'train_cfg')
DIGEST_IGNORED = ('data_root', 'num_workers', 'persistent_workers')
#: The model families: name -> (paper title, URL).
COLLECTIONS = {
    'C3D': ('Learning Spatiotemporal Features with 3D Convolutional '
            'Networks', 'https://arxiv.org/abs/1412.0767'),
    'R(2+1)D': ('A Closer Look at Spatiotemporal Convolutions for Action '
                'Recognition', 'https://arxiv.org/abs/1711.11248'),
    'TSN': ('Temporal Segment Networks: Towards Good Practices for Deep '
            'Action Recognition', 'https://arxiv.org/abs/1608.00859'),
    'ECO': ('ECO: Efficient Convolutional Network for Online Video '
            'Understanding', 'https://arxiv.org/abs/1804.09066'),
}
LOG_TIME = re.compile(r'^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) ')
#: The film-level bootstrap of the published confidence intervals.
BOOTSTRAP = dict(num_resamples=10000, confidence_level=0.95, seed=0)


class RecordError(Exception):
    """A run that cannot be recorded or published as it is."""


# ------------------------------------------------------------------ config


def config_digest(cfg: Config) -> str:
    """SHA-256 of the settings that define a run (:data:`DIGEST_SECTIONS`,
    without :data:`DIGEST_IGNORED` keys)."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: clean(v)
                for k, v in value.items() if k not in DIGEST_IGNORED
            }
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    payload = {k: clean(cfg.to_dict().get(k)) for k in DIGEST_SECTIONS}
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def collection(cfg: Config) -> str:
    """The model family (a key of :data:`COLLECTIONS`) of a config."""
    model, backbone = cfg.model.type, cfg.model.backbone.type
    if model == 'RecognizerECO':
        return 'ECO'
    if model == 'Recognizer2D':
        return 'TSN'
    if backbone in ('C3D', 'C3DFlex'):
        return 'C3D'
    if backbone == 'ResNet2Plus1d':
        return 'R(2+1)D'
    raise RecordError(f'No model family for a {model} with a {backbone}; '
                      f'known: {", ".join(COLLECTIONS)}.')


def complexity(config: str, frames: int,
               size: Tuple[int, int]) -> Tuple[int, int]:
    """Parameters and FLOPs per clip (:mod:`emovid_mm.analysis`)."""
    report = analyse(config, frames, size)
    return report.params, report.flops


# ------------------------------------------------------------------ record


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def training_sessions(work_dir: str) -> List[str]:
    """Session folders (``WORK/TIMESTAMP``) of ``tools/train.py``, oldest
    first: those whose scalars hold training iterations."""
    sessions = []
    for scalars in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(scalars) as f:
            if any('"iter"' in line for line in f):
                sessions.append(osp.dirname(osp.dirname(scalars)))
    if not sessions:
        raise RecordError(f'{work_dir} holds no training log '
                          '(TIMESTAMP/vis_data/scalars.json); train with '
                          'tools/train.py --work-dir first.')
    return sessions


def session_seconds(session: str) -> float:
    """Time from the first to the last line of a session's log."""
    log = osp.join(session, osp.basename(session) + '.log')
    times = []
    with open(log) as f:
        for line in f:
            match = LOG_TIME.match(line)
            if match:
                times.append(
                    datetime.strptime(match.group(1), '%Y/%m/%d %H:%M:%S'))
    if len(times) < 2:
        raise RecordError(f'{log} has no timestamped lines.')
    return (times[-1] - times[0]).total_seconds()


def machine() -> str:
    """The CPU (or GPU) this process runs on, in words."""
    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        return f'{count}x {torch.cuda.get_device_name(0)}'
    model = platform.processor() or platform.machine()
    if osp.isfile('/proc/cpuinfo'):
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    return f'{os.cpu_count()}-core CPU ({model}), no GPU'


def training_config(work_dir: str, config: str) -> Config:
    """The config MMEngine saved in the work dir at training time."""
    saved = osp.join(work_dir, osp.basename(config))
    if not osp.isfile(saved):
        raise RecordError(f'{saved} not found: is {work_dir} a work dir of '
                          f'tools/train.py {config}?')
    return Config.fromfile(saved)


def shown(path: str) -> str:
    """``path`` relative to the repo when it lies in it, as commands and
    records show it."""
    full = osp.abspath(path)
    return osp.relpath(full, REPO) if full.startswith(REPO + os.sep) else path


def record(args: argparse.Namespace) -> str:
    """Evaluate a trained work dir and write its record; returns the record
    folder."""
    config = osp.relpath(osp.abspath(args.config), REPO)
    cfg = Config.fromfile(osp.join(REPO, config))
    digest = config_digest(cfg)
    trained = training_config(args.work_dir, args.config)
    if config_digest(trained) != digest:
        raise RecordError(
            f'{args.work_dir} was trained with other settings than {config} '
            '(model, data pipelines, optimizer or schedule differ): record '
            'it with the config it was trained with, or train again.')
    checkpoint = args.checkpoint
    if checkpoint is None:
        with open(osp.join(args.work_dir, 'last_checkpoint')) as f:
            checkpoint = f.read().strip()
    sessions = training_sessions(args.work_dir)
    try:
        frames, size = clip_shape(cfg)
    except ValueError as e:
        raise RecordError(str(e)) from None
    params, flops = complexity(osp.join(REPO, config), frames, size)

    out_dir = osp.join(args.runs_dir, args.name)
    if osp.exists(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    seed = (trained.get('randomness') or {}).get('seed')
    data_root, work_dir = shown(args.data_root), shown(args.work_dir)
    commands = [
        f'python tools/train.py {config} --data-root {data_root} '
        f'--work-dir {work_dir}' +
        (f' --seed {seed}' if seed is not None else '')
    ]
    for split in args.splits:
        test = [
            osp.join(REPO, config), checkpoint, '--data-root', args.data_root,
            '--split', split, '--dump',
            osp.join(out_dir, f'{split}.csv'), '--work-dir',
            osp.join(args.work_dir, f'test_{split}')
        ]
        try:
            subprocess.run([
                sys.executable, osp.join(REPO, 'tools', 'test.py'), *test
            ], check=True)
        except subprocess.CalledProcessError:
            shutil.rmtree(out_dir)
            raise RecordError(f'tools/test.py failed on the {split} split '
                              '(its output is above); nothing recorded.')
    commands.append(
        shlex.join([
            'python', 'tools/model_zoo.py', 'record', config, work_dir,
            '--data-root', data_root, '--name', args.name, '--model',
            args.model, '--data-name', args.data_name, '--data-command',
            args.data_command, '--splits', *args.splits
        ]))
    for session in sessions:
        target = osp.join(out_dir, osp.basename(session), 'vis_data')
        os.makedirs(target)
        shutil.copy(
            osp.join(session, 'vis_data', 'scalars.json'), target)

    run = dict(
        name=args.name,
        model=args.model,
        collection=collection(cfg),
        config=config,
        config_digest=digest,
        frames=frames,
        input_size=list(size),
        params=params,
        flops=flops,
        epochs=cfg.train_cfg.max_epochs,
        data=dict(
            name=args.data_name,
            root=data_root,
            command=args.data_command),
        machine=args.machine or machine(),
        train_seconds=sum(session_seconds(s) for s in sessions),
        checkpoint=dict(path=shown(checkpoint), sha256=sha256(checkpoint)),
        train_log=[
            shown(osp.join(s, osp.basename(s) + '.log')) for s in sessions
        ],
        splits=list(args.splits),
        commands=commands)
    with open(osp.join(out_dir, 'run.json'), 'w') as f:
        json.dump(run, f, indent=1)
        f.write('\n')
    return out_dir


# ------------------------------------------------------------------ render


def load_runs(runs_dir: str) -> List[dict]:
    """Every record under ``runs_dir``, checked against its config, with
    its scores, film-level intervals included
    (``run['scores'][split][target]``), and its clips and films per split
    (``run['clips'][split]``, ``run['films'][split]``: ``None`` when a
    clip has no film)."""
    runs = []
    for path in sorted(glob.glob(osp.join(runs_dir, '*', 'run.json'))):
        with open(path) as f:
            run = json.load(f)
        config = osp.join(REPO, run['config'])
        if not osp.isfile(config):
            raise RecordError(f'{path}: its config {run["config"]} does not '
                              'exist; restore it or delete the record.')
        cfg = Config.fromfile(config)
        if config_digest(cfg) != run['config_digest']:
            raise RecordError(
                f'{path}: {run["config"]} has changed since the run (its '
                'settings digest differs): run it again and record it '
                '(the commands are in the record), or restore the config.')
        targets = list(cfg.test_dataloader.dataset.targets)
        run['scores'], run['clips'], run['films'] = {}, {}, {}
        for split in run['splits']:
            predictions = read_predictions(
                osp.join(osp.dirname(path), f'{split}.csv'))
            if predictions.targets != targets:
                raise RecordError(
                    f'{path}: {split}.csv has the targets '
                    f'{predictions.targets}, {run["config"]} {targets}.')
            run['scores'][split] = {
                t: {
                    **regression_scores(predictions.pred[:, i],
                                        predictions.true[:, i],
                                        predictions.variance[:, i]),
                    **film_bootstrap_ci(predictions.pred[:, i],
                                        predictions.true[:, i],
                                        predictions.film, **BOOTSTRAP)
                }
                for i, t in enumerate(targets)
            }
            run['clips'][split] = len(predictions.film)
            run['films'][split] = len(set(predictions.film)) if all(
                predictions.film) else None
        run['record'] = osp.relpath(osp.dirname(path), REPO)
        runs.append(run)
    return runs


def duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f'{hours} h {minutes:02d} min' if hours else \
        f'{minutes} min {seconds:02d} s'


def score_cell(scores: Dict[str, float]) -> str:
    return (f'{scores["mse"]:.4f} / {scores["pearson_r"]:.3f} '
            f'({format_p_value(scores["pearson_p"], ".1e")})')


def ci_cell(scores: Dict[str, float], score: str) -> str:
    return format_ci(scores[f'{score}_ci_low'], scores[f'{score}_ci_high'])


SCORES_TEXT = (
    'MSE / Pearson r (p) per target and split; then, on the test split, '
    'confidence intervals of r and of the CCC, Spearman rho, the fraction '
    'of clips predicted within the annotated standard deviation, and the '
    'numbers of clips and films. The p-value takes the clips as '
    'independent, which clips of one film are not. The confidence '
    'intervals resample films instead: films drawn with replacement, each '
    'with all of its clips, '
    f'{BOOTSTRAP["num_resamples"]} resamples, percentile interval, seed '
    f'{BOOTSTRAP["seed"]} (`emovid_mm.evaluation.functional.'
    f'film_bootstrap_ci`); n/a with fewer than {MIN_FILMS} films.')


def render_markdown(runs: Sequence[dict]) -> str:
    lines = [
        '# Model zoo', '',
        '<!-- Generated by `python tools/model_zoo.py render` from the '
        f'records in `{RUNS_DIR}/`; do not edit by hand. -->', '',
        'No model has been trained on the real LIRIS-ACCEDE here yet: the '
        'dataset needs a registration. The runs below use the generated '
        'LIRIS-ACCEDE-shaped data of `tools/data/make_synthetic_liris.py`, '
        'whose valence follows the colours of the frames and whose arousal '
        'follows their motion. Their numbers say how the code and the '
        'models behave, not how they do on films. The paper\'s own results '
        'on the real dataset follow at the end, labelled as such.', ''
    ]
    by_data: Dict[str, List[dict]] = {}
    for run in runs:
        by_data.setdefault(run['data']['name'], []).append(run)
    for data_name, group in by_data.items():
        lines += [
            f'## Our runs on generated data: {data_name}', '',
            f'Data: `{group[0]["data"]["command"]}`. Trained from scratch '
            'with `tools/train.py`, evaluated with `tools/test.py` on the '
            'checkpoint named below. Train = the config\'s train split, '
            'test = its test split. Params and FLOPs are per clip at the '
            'input size (`tools/analysis/model_complexity.py`).', ''
        ]
        lines.append(markdown_table(
            ['model', 'config', 'frames', 'input', 'params', 'GFLOPs',
             'epochs', 'train time', 'machine'],
            [[
                r['model'], f'[{osp.basename(r["config"])}]'
                f'({r["config"]})', r['frames'],
                'x'.join(map(str, r['input_size'])),
                f'{r["params"] / 1e6:.1f} M', f'{r["flops"] / 1e9:.2f}',
                r['epochs'],
                duration(r['train_seconds']), r['machine']
            ] for r in group]))
        lines += ['', SCORES_TEXT, '']
        rows = []
        for r in group:
            for target in r['scores'][r['splits'][-1]]:
                test = r['scores'].get('test', {}).get(target)
                train = r['scores'].get('train', {}).get(target)
                films = r['films'].get('test')
                rows.append([
                    r['model'], target,
                    score_cell(train) if train else '-',
                    score_cell(test) if test else '-',
                    ci_cell(test, 'pearson_r') if test else '-',
                    f'{test["ccc"]:.3f}' if test else '-',
                    ci_cell(test, 'ccc') if test else '-',
                    f'{test["spearman_rho"]:.3f}' if test else '-',
                    f'{test["within_std"]:.2f}' if test else '-',
                    f'{r["clips"]["test"]} / '
                    f'{"n/a" if films is None else films}' if test else '-'
                ])
        level = f'{100 * BOOTSTRAP["confidence_level"]:g}%'
        lines.append(markdown_table([
            'model', 'target', 'train MSE / r (p, clips)',
            'test MSE / r (p, clips)', f'test r {level} CI (films)',
            'test CCC', f'test CCC {level} CI (films)', 'test Spearman',
            'test within std', 'test clips / films'
        ], rows))
        lines += ['', 'Checkpoints and logs (local to the machine that '
                  'trained them; not published).', '']
        lines.append(markdown_table(
            ['model', 'checkpoint', 'SHA-256', 'training log', 'record'],
            [[
                r['model'], f'`{r["checkpoint"]["path"]}`',
                f'`{r["checkpoint"]["sha256"][:8]}`',
                ', '.join(f'`{p}`' for p in r['train_log']),
                f'[{r["name"]}]({r["record"]}/run.json)'
            ] for r in group]))
        lines += ['', 'Commands:', '']
        for r in group:
            lines += [f'{r["model"]}:', '', '```bash', *r['commands'],
                      '```', '']
    lines += [
        '## The paper\'s reported results (real LIRIS-ACCEDE)', '',
        'Reported by X. Ji, "Deep Neural Networks for Video-level Emotion '
        'Analysis" (Table IV): 8 RGB frames of 224x224, from scratch, MSE '
        'loss; trained on the official test set (4,900 clips) and tested on '
        'the official learning set. These are the paper\'s numbers '
        f'(`{PAPER_TABLE}`), not runs of this repository.', ''
    ]
    with open(osp.join(REPO, PAPER_TABLE), newline='') as f:
        reader = csv.reader(f)
        header = next(reader)
        lines.append(markdown_table(header, list(reader)))
    return '\n'.join(lines) + '\n'


def render_metafiles(runs: Sequence[dict]) -> Dict[str, str]:
    """``{path: text}`` of ``model-index.yml`` and a ``metafile.yml`` in the
    folder of each recorded config."""
    folders: Dict[str, List[dict]] = {}
    for run in runs:
        folders.setdefault(osp.dirname(run['config']), []).append(run)
    files = {}
    for folder, group in sorted(folders.items()):
        models = []
        for r in group:
            metrics = {}
            for split, by_target in r['scores'].items():
                for target, s in by_target.items():
                    metrics[f'{target} MSE ({split})'] = round(s['mse'], 4)
                    metrics[f'{target} Pearson r ({split})'] = round(
                        s['pearson_r'], 3)
            models.append({
                'Name': r['name'],
                'Config': r['config'],
                'In Collection': r['collection'],
                'Metadata': {
                    'Architecture': r['model'],
                    'Epochs': r['epochs'],
                    'FLOPs': r['flops'],
                    'Parameters': r['params'],
                    'Pretrained': 'None',
                    'Resolution': 'x'.join(map(str, r['input_size'])),
                    'Frames': r['frames'],
                    'Training Data': f'LIRIS-ACCEDE-shaped generated data '
                    f'({r["data"]["name"]})',
                    'Training Resources': r['machine'],
                },
                'Modality': 'RGB',
                'Results': [{
                    'Dataset': 'LIRIS-ACCEDE (generated stand-in)',
                    'Task': 'Video Emotion Regression',
                    'Metrics': metrics
                }],
                'Training Log': r['train_log'][-1],
                'Weights': r['checkpoint']['path'],
            })
        collections = [{
            'Name': name,
            'README': MODEL_ZOO,
            'Paper': {
                'URL': COLLECTIONS[name][1],
                'Title': COLLECTIONS[name][0]
            }
        } for name in sorted({r['collection'] for r in group})]
        files[osp.join(folder, 'metafile.yml')] = yaml.safe_dump(
            {
                'Collections': collections,
                'Models': models
            },
            sort_keys=False,
            width=1000)
    files[MODEL_INDEX] = yaml.safe_dump({'Import': sorted(files)},
                                        sort_keys=False)
    return files


def render(args: argparse.Namespace) -> List[str]:
    """Write (or, with ``--check``, compare) the generated files; returns
    the files that differ from what is written."""
    runs = load_runs(args.runs_dir)
    outputs = {MODEL_ZOO: render_markdown(runs), **render_metafiles(runs)}
    stale = []
    for path, text in outputs.items():
        full = osp.join(args.out_dir, path)
        current = open(full).read() if osp.isfile(full) else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            os.makedirs(osp.dirname(full), exist_ok=True)
            with open(full, 'w') as f:
                f.write(text)
    return stale


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Record evaluated runs; generate model_zoo.md and the '
        'metafiles from the records')
    commands = parser.add_subparsers(dest='command', required=True)
    rec = commands.add_parser(
        'record', help='evaluate a trained work dir and write its record')
    rec.add_argument('config', help='the config it was trained with')
    rec.add_argument('work_dir', help='the work dir of tools/train.py')
    rec.add_argument('--data-root', required=True, help='the dataset folder')
    rec.add_argument('--name', required=True, help='name of the record')
    rec.add_argument(
        '--model', required=True, help='model name in the tables')
    rec.add_argument(
        '--data-name', required=True, help='the data, in a few words')
    rec.add_argument(
        '--data-command',
        required=True,
        help='the command that makes (or where to get) the data')
    rec.add_argument(
        '--checkpoint', help='default: the last checkpoint of the work dir')
    rec.add_argument(
        '--splits', nargs='+', default=['train', 'test'],
        help='splits to evaluate')
    rec.add_argument(
        '--machine', help='where it trained (default: this machine)')
    rec.add_argument('--runs-dir', default=osp.join(REPO, RUNS_DIR))
    ren = commands.add_parser(
        'render', help='write model_zoo.md and the metafiles')
    ren.add_argument('--runs-dir', default=osp.join(REPO, RUNS_DIR))
    ren.add_argument(
        '--out-dir',
        default=REPO,
        help='where model_zoo.md, model-index.yml and the configs\' '
        'metafile.yml files go (default: the repo)')
    ren.add_argument(
        '--check',
        action='store_true',
        help='write nothing; fail if a generated file is out of date')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        if args.command == 'record':
            print(f'Recorded {record(args)}')
            return
        stale = render(args)
    except RecordError as e:
        sys.exit(f'error: {e}')
    if args.check and stale:
        sys.exit('Out of date (run python tools/model_zoo.py render): ' +
                 ', '.join(stale))
    print('Up to date.' if not stale else 'Wrote ' + ', '.join(stale))


if __name__ == '__main__':
    main()
