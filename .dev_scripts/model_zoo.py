"""The model zoo: run and record its runs, and generate model_zoo.md,
model-index.yml and, in each config folder, README.md and metafile.yml.

    python .dev_scripts/model_zoo.py run [GROUP ...]
    python .dev_scripts/model_zoo.py render [--check]

``run`` goes through the runs of ``.dev_scripts/model_zoo/runs.yml`` (of the
groups named; default all) that ``model_zoo/runs/`` has no record of: it
makes the group's data where its folder is missing, then
:func:`emovid_mm.apis.run_experiment` trains the config in
``work_dirs/model_zoo/NAME`` (an interrupted run resumes), evaluates the last
checkpoint on the train and test splits and writes the record to
``model_zoo/runs/NAME``. Then it renders.

``render`` reads the records of ``model_zoo/runs/``, the paper's reported
results (``model_zoo/paper_table4.csv``) and the configs, and fills the
templates of ``.dev_scripts/model_zoo/``. Every score is computed from the
records' prediction files. It refuses a record whose config has changed
since the run (its settings digest differs); ``--check`` writes nothing and
fails when a generated file is not what it would write.
"""
import argparse
import csv
import glob
import os
import os.path as osp
import re
import shlex
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from mmengine.config import Config

from emovid_mm.apis import (RecordError, read_record, run_experiment,
                            target_scores)
from emovid_mm.apis.run_record import RECORD_FILE, config_digest, model_family
from emovid_mm.evaluation import format_p_value
from emovid_mm.evaluation.functional import MIN_FILMS, film_bootstrap_ci
from emovid_mm.evaluation.metrics.emotion_regression_metric import format_ci
from emovid_mm.utils import markdown_table

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
HERE = osp.join(REPO, '.dev_scripts', 'model_zoo')
RUNS_DIR = 'model_zoo/runs'
#: The film-level bootstrap of the published confidence intervals.
BOOTSTRAP = dict(num_resamples=10000, confidence_level=0.95, seed=0)
#: The files render writes in config folders; others of these names are
#: left over from configs or records that are gone.
FOLDER_FILES = ('README.md', 'metafile.yml')


def load_runs(runs_dir: str) -> List[dict]:
    """Every record under ``runs_dir``, checked against its config, with
    ``scores[split][target]`` (film-level intervals included),
    ``clips[split]``, ``films[split]`` (``None`` where a clip has no film)
    and ``record`` (its folder in the repo)."""
    runs = []
    for path in sorted(glob.glob(osp.join(runs_dir, '*', RECORD_FILE))):
        run, predictions = read_record(osp.dirname(path))
        config = osp.join(REPO, run['config'])
        if not osp.isfile(config):
            raise RecordError(f'{path}: its config {run["config"]} does not '
                              'exist; restore it or delete the record.')
        if config_digest(Config.fromfile(config)) != run['config_digest']:
            raise RecordError(
                f'{path}: {run["config"]} has changed since the run (its '
                'settings digest differs): run it again (the commands are '
                'in the record), or restore the config.')
        run['scores'], run['clips'], run['films'] = {}, {}, {}
        for split, p in predictions.items():
            run['scores'][split] = {
                target: dict(
                    scores,
                    **film_bootstrap_ci(p.pred[:, i], p.true[:, i], p.film,
                                        **BOOTSTRAP))
                for i, (target, scores) in enumerate(
                    target_scores(p).items())
            }
            run['clips'][split] = len(p.film)
            run['films'][split] = len(set(p.film)) if all(p.film) else None
        run['record'] = osp.relpath(osp.dirname(path), REPO)
        runs.append(run)
    return runs


def duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f'{hours} h {minutes:02d} min' if hours else \
        f'{minutes} min {seconds:02d} s'


def score_cell(scores: Optional[Dict[str, float]]) -> str:
    """``MSE / r (p)``, or ``-`` where the split was not evaluated."""
    if scores is None:
        return '-'
    return (f'{scores["mse"]:.4f} / {scores["pearson_r"]:.3f} '
            f'({format_p_value(scores["pearson_p"], ".1e")})')


def ci_cell(scores: Dict[str, float], score: str) -> str:
    return format_ci(scores[f'{score}_ci_low'], scores[f'{score}_ci_high'])


def ci_header(name: str) -> str:
    return f'{name} {100 * BOOTSTRAP["confidence_level"]:g}% CI (films)'


def input_cell(run: dict) -> str:
    """``112x112``, ``8x64x96 log-mel`` (segments x mels x frames), or
    both."""
    inputs = []
    if run['input_size']:
        inputs.append('x'.join(map(str, run['input_size'])))
    if run.get('audio_input'):
        inputs.append('x'.join(map(str, run['audio_input'])) + ' log-mel')
    return ' + '.join(inputs)


def modality(run: dict) -> str:
    """MMAction2's metafile modality: ``RGB``, ``Audio`` or ``RGB+Audio``."""
    return '+'.join(name for name, used in (
        ('RGB', run['input_size']), ('Audio', run.get('audio_input'))) if used)


def render_model_zoo(runs: Sequence[dict], env: Environment) -> str:
    """``model_zoo.md``: a section per data the runs were trained on."""
    groups: Dict[str, dict] = {}
    for run in runs:
        groups.setdefault(run['data']['name'],
                          dict(data=run['data'], runs=[]))['runs'].append(run)
    for group in groups.values():
        group['models_table'] = markdown_table(
            ['model', 'config', 'frames', 'input', 'params', 'GFLOPs',
             'epochs', 'train time', 'machine'],
            [[
                r['model'], f'[{osp.basename(r["config"])}]'
                f'({r["config"]})', r['frames'] or '-',
                input_cell(r),
                f'{r["params"] / 1e6:.1f} M', f'{r["flops"] / 1e9:.2f}',
                r['epochs'],
                duration(r['train_seconds']), r['machine']
            ] for r in group['runs']])
        rows = []
        for r in group['runs']:
            for target in r['scores'][r['splits'][-1]]:
                test = r['scores'].get('test', {}).get(target)
                train = r['scores'].get('train', {}).get(target)
                films = r['films'].get('test')
                rows.append([
                    r['model'], target,
                    score_cell(train),
                    score_cell(test), *([
                        ci_cell(test, 'pearson_r'), f'{test["ccc"]:.3f}',
                        ci_cell(test, 'ccc'), f'{test["spearman_rho"]:.3f}',
                        f'{test["within_std"]:.2f}',
                        f'{r["clips"]["test"]} / '
                        f'{"n/a" if films is None else films}'
                    ] if test else ['-'] * 6)
                ])
        group['scores_table'] = markdown_table([
            'model', 'target', 'train MSE / r (p, clips)',
            'test MSE / r (p, clips)',
            ci_header('test r'), 'test CCC',
            ci_header('test CCC'), 'test Spearman', 'test within std',
            'test clips / films'
        ], rows)
        group['files_table'] = markdown_table(
            ['model', 'checkpoint', 'SHA-256', 'training log', 'record'],
            [[
                r['model'], f'`{r["checkpoint"]["path"]}`',
                f'`{r["checkpoint"]["sha256"][:8]}`',
                ', '.join(f'`{p}`' for p in r['train_log']),
                f'[{r["name"]}]({r["record"]}/{RECORD_FILE})'
            ] for r in group['runs']])
    with open(osp.join(REPO, 'model_zoo', 'paper_table4.csv'),
              newline='') as f:
        header, *rows = csv.reader(f)
    return env.get_template('model_zoo.md.j2').render(
        groups=list(groups.values()),
        bootstrap=BOOTSTRAP,
        min_films=MIN_FILMS,
        paper_table=markdown_table(header, rows))


def config_folders() -> Dict[str, str]:
    """``{folder: model family}`` of each folder of ``configs/`` that holds
    configs."""
    folders = {}
    for folder in sorted(glob.glob(osp.join(REPO, 'configs', '*', ''))):
        configs = glob.glob(osp.join(folder, '*.py'))
        if osp.basename(folder[:-1]) == '_base_' or not configs:
            continue
        families = {model_family(Config.fromfile(c)) for c in configs}
        name = osp.relpath(folder, REPO)
        if len(families) > 1:
            raise RecordError(f'{name} holds configs of {sorted(families)}: '
                              'a config folder is of one model family.')
        folders[name] = families.pop()
    return folders


def leading_comment(config: str) -> str:
    """The first sentence of the comment a config starts with."""
    lines = []
    with open(config) as f:
        for line in f:
            if not line.startswith('#'):
                break
            lines.append(line[1:].strip())
    return re.split(r'(?<=\.) (?=[A-Z])', ' '.join(lines))[0]


def render_readme(folder: str, family: dict, runs: Sequence[dict],
                  env: Environment) -> str:
    """``README.md`` of a config folder, as MMAction2's
    ``configs/recognition/*/README.md``."""
    root = osp.relpath(REPO, osp.join(REPO, folder)) + '/'
    rows = []
    for r in runs:
        for target, test in r['scores'].get('test', {}).items():
            rows.append([
                r['model'], r['data']['name'], f'[{osp.basename(r["config"])}]'
                f'({osp.basename(r["config"])})', r['epochs'], target,
                f'{test["mse"]:.4f}', f'{test["pearson_r"]:.3f}',
                ci_cell(test, 'pearson_r'), f'{test["ccc"]:.3f}',
                f'[{r["name"]}]({root}{r["record"]}/{RECORD_FILE})'
            ])
    configs = sorted(glob.glob(osp.join(REPO, folder, '*.py')))
    # The shortest name: the config the others vary.
    example = osp.basename(min(configs, key=len))
    return env.get_template('config_readme.md.j2').render(
        folder=folder,
        family=family,
        root=root,
        bootstrap=BOOTSTRAP,
        min_films=MIN_FILMS,
        results_table=rows and markdown_table([
            'model', 'data', 'config', 'epochs', 'target', 'test MSE',
            'test Pearson r',
            ci_header('test r'), 'test CCC', 'record'
        ], rows),
        configs_table=markdown_table(
            ['config', 'what it is'],
            [[f'[{osp.basename(c)}]({osp.basename(c)})',
              leading_comment(c)] for c in configs]),
        example=example,
        example_name=osp.splitext(example)[0])


def render_metafile(runs: Sequence[dict], families: Dict[str, dict],
                    readme: str) -> str:
    """``metafile.yml`` of the records of a config folder, in MMAction2's
    metafile format."""
    models = []
    for r in runs:
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
                'Resolution': input_cell(r),
                'Frames': r['frames'] or 0,
                'Training Data': 'LIRIS-ACCEDE-shaped generated data '
                f'({r["data"]["name"]})',
                'Training Resources': r['machine'],
            },
            'Modality': modality(r),
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
        'README': readme,
        'Paper': {
            'URL': families[name]['url'],
            'Title': families[name]['title']
        }
    } for name in sorted({r['collection'] for r in runs})]
    return yaml.safe_dump({
        'Collections': collections,
        'Models': models
    },
                          sort_keys=False,
                          width=1000)


def render(runs_dir: str, out_dir: str, check: bool) -> List[str]:
    """Write (with ``check``, only compare) the generated files; returns
    those that were not what it writes, and leftovers of config folders
    (with ``check``, those it would delete)."""
    runs = load_runs(runs_dir)
    env = Environment(
        loader=FileSystemLoader(HERE),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True)
    with open(osp.join(HERE, 'collections.yml')) as f:
        families = yaml.safe_load(f)
    for name, family in families.items():
        family['name'] = name
    by_folder: Dict[str, List[dict]] = {}
    for run in runs:
        by_folder.setdefault(osp.dirname(run['config']), []).append(run)
    folders = config_folders()
    outputs = {'model_zoo.md': render_model_zoo(runs, env)}
    for folder, family in folders.items():
        outputs[osp.join(folder, 'README.md')] = render_readme(
            folder, families[family], by_folder.get(folder, []), env)
    for folder, group in sorted(by_folder.items()):
        outputs[osp.join(folder, 'metafile.yml')] = render_metafile(
            group, families,
            osp.join(folder, 'README.md') if folder in folders else
            'model_zoo.md')
    outputs['model-index.yml'] = yaml.safe_dump(
        {'Import': sorted(p for p in outputs if p.endswith('metafile.yml'))},
        sort_keys=False)

    stale = []
    for path, text in outputs.items():
        full = osp.join(out_dir, path)
        if osp.isfile(full):
            with open(full) as f:
                if f.read() == text:
                    continue
        stale.append(path)
        if not check:
            os.makedirs(osp.dirname(full), exist_ok=True)
            with open(full, 'w') as f:
                f.write(text)
    for name in FOLDER_FILES:
        for full in glob.glob(osp.join(out_dir, 'configs', '*', name)):
            path = osp.relpath(full, out_dir)
            if path not in outputs:
                stale.append(path)
                if not check:
                    os.remove(full)
    return stale


def run_groups(groups: Sequence[str], runs_file: str, runs_dir: str,
               work_root: str) -> None:
    """Run, evaluate and record the runs of ``groups`` not recorded yet."""
    with open(runs_file) as f:
        spec = yaml.safe_load(f)
    unknown = set(groups) - set(spec['groups'])
    if unknown:
        raise RecordError(f'No group {sorted(unknown)} in {runs_file}; '
                          f'it has {sorted(spec["groups"])}.')
    for group, entry in spec['groups'].items():
        data = entry['data']
        pending = {
            name: spec_run
            for name, spec_run in entry['runs'].items() if not osp.isfile(
                osp.join(runs_dir, name, RECORD_FILE))
        }
        if groups and group not in groups or not pending:
            continue
        if not osp.isdir(data['root']):
            # The command runs a tool of this repo: python tools/...
            subprocess.run(
                [sys.executable, *shlex.split(data['command'])[1:]],
                check=True)
        for name, spec_run in pending.items():
            run_experiment(
                spec_run['config'],
                osp.join(work_root, name),
                osp.join(runs_dir, name),
                data_root=data['root'],
                seed=spec['seed'],
                name=name,
                model=spec_run['model'],
                data_name=data['name'],
                data_command=data['command'])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Run and record the model zoo; generate model_zoo.md, '
        'the config folders\' README.md and metafile.yml, model-index.yml')
    commands = parser.add_subparsers(dest='command', required=True)
    run_parser = commands.add_parser(
        'run', help='run and record the runs not recorded yet, then render')
    run_parser.add_argument(
        'groups', nargs='*', help='groups of runs.yml (default: all)')
    run_parser.add_argument(
        '--runs-file', type=osp.abspath, default=osp.join(HERE, 'runs.yml'))
    run_parser.add_argument(
        '--work-root',
        type=osp.abspath,
        default=osp.join(REPO, 'work_dirs', 'model_zoo'))
    render_parser = commands.add_parser(
        'render', help='write model_zoo.md, the READMEs and the metafiles')
    render_parser.add_argument(
        '--check',
        action='store_true',
        help='write nothing; fail if a generated file is out of date')
    for sub in (run_parser, render_parser):
        sub.add_argument(
            '--runs-dir', type=osp.abspath, default=osp.join(REPO, RUNS_DIR))
        sub.add_argument(
            '--out-dir',
            type=osp.abspath,
            default=REPO,
            help='where the generated files go (default: the repo)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    os.chdir(REPO)
    try:
        if args.command == 'run':
            run_groups(args.groups, args.runs_file, args.runs_dir,
                       args.work_root)
        stale = render(args.runs_dir, args.out_dir, args.command == 'render'
                       and args.check)
    except RecordError as e:
        sys.exit(f'error: {e}')
    if args.command == 'render' and args.check and stale:
        sys.exit('Out of date (run python .dev_scripts/model_zoo.py render): '
                 + ', '.join(stale))
    print('Up to date.' if not stale else 'Updated ' + ', '.join(stale))


if __name__ == '__main__':
    main()
