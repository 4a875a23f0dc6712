#!/usr/bin/env bash
# The model-zoo benchmark: the paper's five models on generated
# LIRIS-ACCEDE-shaped data, trained, evaluated on the train and test splits,
# recorded in model_zoo/runs/ and published in model_zoo.md.
#
#   bash tools/run_benchmark.sh [DATA_ROOT] [WORK_ROOT]
#
# Makes the data (128 films x 2 clips) if DATA_ROOT has none. A run that
# stops part-way resumes from its last checkpoint when the script runs
# again; a run already recorded is skipped (delete its model_zoo/runs/NAME
# to run it again).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
DATA=${1:-data/liris_syn_128x2}
WORK=${2:-work_dirs/benchmark}
MAKE_DATA="python tools/data/make_synthetic_liris.py --out-dir $DATA --num-films 128 --clips-per-film 2"

if [ ! -f "$DATA/LIRIS-ACCEDE-annotations/annotations/ACCEDEranking.txt" ]; then
    $PY ${MAKE_DATA#python }
fi

run() {  # NAME MODEL CONFIG
    local name=$1 model=$2 config=$3 work=$WORK/$1
    if [ -f "model_zoo/runs/$name/run.json" ]; then
        echo "$name: recorded already, skipped."
        return
    fi
    local resume=()
    [ -f "$work/last_checkpoint" ] && resume=(--resume)
    $PY tools/train.py "$config" --data-root "$DATA" --work-dir "$work" \
        --seed 0 "${resume[@]}"
    $PY tools/model_zoo.py record "$config" "$work" --data-root "$DATA" \
        --name "$name" --model "$model" \
        --data-name "128 films x 2 clips, 112x112" --data-command "$MAKE_DATA"
}

run tsn_synthetic "TSN BN-Inception" \
    configs/tsn/tsn_bninception_1xb8-1x1x8-5fps-112px-adam-10e_liris-synthetic-rgb.py
run eco_lite_synthetic "ECO Lite" \
    configs/eco/eco_lite_bninception_1xb8-1x1x8-5fps-112px-adam-10e_liris-synthetic-rgb.py
run eco_full_synthetic "ECO Full" \
    configs/eco/eco_full_bninception_1xb8-1x1x8-5fps-112px-adam-10e_liris-synthetic-rgb.py
run r2plus1d_synthetic "R(2+1)D-18" \
    configs/r2plus1d/r2plus1d_r18_1xb8-8x1x1-5fps-112px-adam-10e_liris-synthetic-rgb.py
run c3d_synthetic "C3D" \
    configs/c3d/c3d_bn_1xb8-8x1x1-5fps-112px-adam-10e_liris-synthetic-rgb.py
$PY tools/model_zoo.py render
