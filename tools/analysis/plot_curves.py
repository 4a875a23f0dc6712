"""Plot training and validation curves of one or several runs.

    python tools/analysis/plot_curves.py RUN [RUN ...] [--labels LABEL ...] \
        [--keys loss mean/mse ...] [--out FILE]

``RUN`` is a work dir of ``tools/train.py`` or a ``scalars.json`` that
MMEngine's ``LocalVisBackend`` wrote (``WORK_DIR/TIMESTAMP/vis_data``). A
work dir may hold several training sessions (a run resumed with
``--resume``): their logs are merged in time order, a later session
replacing the epochs it repeats; sessions of ``tools/test.py`` are skipped.

Each key gets one panel, value against epoch, with one line per run:

* keys of the training iterations (``loss``, ``loss_mse``, ``mse_valence``,
  ``lr``, ...) are averaged over each epoch's logged iterations;
* keys of the validation (``mean/mse``, ``arousal/pearson_r``, ...) have one
  value per validation. ``mean/mse`` is the validation loss: the MSE loss is
  the mean of the targets' squared errors.

The default keys are ``loss`` and ``mean/mse`` (training and validation
loss, as in the paper's Figs. 11, 13, ...). The figure goes to ``--out``
(``.png``, ``.pdf`` or ``.svg``).
"""
import argparse
import os
import os.path as osp

from emovid_mm.visualization import plot_training_curves, read_training_curves


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot training and validation curves of runs')
    parser.add_argument(
        'runs', nargs='+', help='work dirs or scalars.json files')
    parser.add_argument(
        '--labels', nargs='+', help='one label per run (default: its path)')
    parser.add_argument(
        '--keys',
        nargs='+',
        default=['loss', 'mean/mse'],
        help='logged keys to plot, one panel each')
    parser.add_argument(
        '--out', default='work_dirs/plots/curves.png', help='output figure')
    args = parser.parse_args()
    if args.labels is not None and len(args.labels) != len(args.runs):
        parser.error(f'Got {len(args.labels)} labels for {len(args.runs)} '
                     'runs.')
    return args


def main() -> None:
    args = parse_args()
    labels = args.labels or [osp.normpath(r) for r in args.runs]
    fig = plot_training_curves([(label, read_training_curves(run))
                                for label, run in zip(labels, args.runs)],
                               args.keys)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    fig.savefig(args.out)
    print(args.out)


if __name__ == '__main__':
    main()
