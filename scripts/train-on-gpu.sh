#!/usr/bin/env bash
# One prepared reader-training run for a lent GPU machine (the library's `device` tool), in three steps:
#
#   1. here:       scripts/train-on-gpu.sh prepare [BASE]
#                  BASE: the reader to continue (default: the newest models/candidates/reader-stageN, a
#                  delta rebuilt on ../shared/checkpoints/reader-stage3b; or models/reader, or any reader
#                  folder). Writes train-runs/gpu-base (the full reader) and train-runs/gpu-data (the SQuAD
#                  files), both ignored, and takes models/reader and models/candidates out of what travels
#                  (git index + .git/info/exclude; the files stay on disk): the repository's models alone
#                  are over the 64 MiB that a device call may carry. Prints what travels and the call.
#   2. device run: command "bash scripts/train-on-gpu.sh train", carry ["train-runs/gpu-data",
#                  "train-runs/gpu-base"], timeout_s 540: bf16, batch 64, length 384, GPU_EPOCHS (2) over the
#                  whole mix (SQuAD 1.1, the tune articles' unanswerables ×4, rule-made hard negatives of
#                  qa.training.hard_negatives: stage 34's kinds and rates, those whose gradients pull towards
#                  held-out abstention in bench/kind_alignment.py, with 45% of the SQuAD 1.1 answerables;
#                  the distractor copies of qa.training.distractors
#                  and negations only through GPU_* settings, as they pulled nowhere there), half the
#                  answerables also read beside a companion paragraph (GPU_SHARED_NORM_RATE, 0.5: the shared
#                  normalisation of qa.training.shared_norm, which lifted stage 38), bounded by
#                  GPU_MINUTES (5) of training, the learning rate at zero by whichever ends first; returns
#                  the reader as a split tar in $OUT with its report and log.
#   3. here:       scripts/train-on-gpu.sh unpack FOLDER_WITH_PARTS [DEST]
#                  puts models/ back into the repository (also `scripts/train-on-gpu.sh restore-tree` alone,
#                  e.g. after a failed call; a git hook refuses commits until then), then joins the parts
#                  into DEST (default train-runs/gpu-out). Ship it only under the reader issue's rule (beats
#                  models/reader on the evaluation sample AND answers the demo question); run
#                  `qa check-int8 --reader-model DEST` and then `qa calibrate-open --reader-model DEST`
#                  here (the GPU run skips both).
#
# The GPU machine has torch, transformers, tokenizers, numpy, scikit-learn, safetensors and click but not
# Haystack; the training code needs only those. It has 16 cores: the mix's generators run side by side and
# its tokenising on all of them. --deadline (GPU_DEADLINE, 7.5 minutes from the start) ends training in
# time for the evaluation and the export inside the call's limit, however long the preparation took.
# GPU_REQUIRE_CUDA=0, GPU_DATA, GPU_BASE, GPU_WORK, GPU_EXTRA_ARGS and PYTHON exist for the CPU dry run in
# tests/test_gpu_script.py.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${GPU_DATA:-train-runs/gpu-data}
BASE=${GPU_BASE:-train-runs/gpu-base}
PYTHON=${PYTHON:-python3}  # the GPU machine's python3 holds torch
HIDDEN=(models/reader models/candidates)
EXCLUDE=$(git rev-parse --git-path info/exclude 2>/dev/null || echo .git/info/exclude)  # the device's copy
HOOK=$(git rev-parse --git-path hooks/pre-commit 2>/dev/null || echo .git/hooks/pre-commit)  # may have no .git
MARK="hidden by scripts/train-on-gpu.sh prepare"  # begins and ends the block it adds to $EXCLUDE; names its hook

travelling_bytes() {  # what a device call sends: tracked and untracked-not-ignored files, plus the carried paths
    { git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null || true
      find "$DATA" "$BASE" -type f -printf '%s\n' 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}'
}

hidden() { [ -f "$EXCLUDE" ] && grep -qxF "# begin $MARK" "$EXCLUDE"; }

restore_tree() {  # only what prepare did: staged changes elsewhere, or under models/ when nothing is hidden, stay
    if hidden; then
        if [ -z "$(git ls-tree HEAD -- models/reader)" ]; then
            echo "HEAD has no models/reader: was a commit made while it was hidden? Undo it first" >&2
            exit 1
        fi
        git reset -q -- "${HIDDEN[@]}"
        sed -i "\\|^# begin $MARK\$|,\\|^# end $MARK\$|d" "$EXCLUDE"
    fi
    if [ -f "$HOOK" ] && grep -qF "$MARK" "$HOOK"; then rm -f "$HOOK"; fi
}

newest_candidate() {
    find models/candidates -maxdepth 1 -name 'reader-stage*' -type d 2>/dev/null | sort -V | tail -1
}

case "${1:-}" in
prepare)
    SHARED=${QA_SHARED_DATA:-../shared/data}
    SOURCE=${2:-$(newest_candidate)}
    [ -n "$SOURCE" ] || { echo "no reader to continue: name one (models/reader, models/candidates/...)" >&2; exit 2; }
    restore_tree  # idempotent: a second prepare does not stack the marks
    if ! git diff --cached --quiet -- "${HIDDEN[@]}"; then
        echo "staged changes under models/: commit or unstage them first" >&2
        exit 1
    fi
    mkdir -p "$DATA"
    cp "$SHARED/squad1.1-train.json.gz" "$SHARED/squad2-dev-tune.json.gz" "$SHARED/squad2-dev-sample.json" "$DATA/"
    rm -rf "$BASE"
    if [ -f "$SOURCE/delta.json" ]; then
        .venv/bin/python scripts/reader_delta.py restore "$SOURCE" --output "$BASE" >/dev/null
    else
        cp -r "$SOURCE" "$BASE"
    fi
    rm -f "$BASE"/*.onnx "$BASE"/training_report.stage*.json
    echo "$SOURCE" >"$BASE/CONTINUED_FROM"
    git rm -r -q --cached "${HIDDEN[@]}"
    mkdir -p "$(dirname "$EXCLUDE")" "$(dirname "$HOOK")"
    if [ -s "$EXCLUDE" ] && [ -n "$(tail -c 1 "$EXCLUDE")" ]; then echo >>"$EXCLUDE"; fi
    { echo "# begin $MARK"; printf '/%s/\n' "${HIDDEN[@]}"; echo "# end $MARK"; } >>"$EXCLUDE"
    if [ ! -e "$HOOK" ]; then  # a commit now would delete the models from the repository
        printf '#!/bin/sh\n# %s\necho "models/ is hidden for a device call: run scripts/train-on-gpu.sh restore-tree first" >&2\nexit 1\n' \
            "$MARK" >"$HOOK"
        chmod +x "$HOOK"
    fi
    bytes=$(travelling_bytes)
    echo "base: $SOURCE -> $BASE; data: $DATA"
    echo "travels: $((bytes / 1048576)) MiB of 64 (models/reader and models/candidates taken out of git's view;"
    echo "  'scripts/train-on-gpu.sh restore-tree' or 'unpack' puts them back; commits are refused until then)"
    if [ "$bytes" -ge $((64 * 1048576)) ]; then
        restore_tree
        echo "too much would travel; models/ put back" >&2
        exit 1
    fi
    echo 'device call: run(command="bash scripts/train-on-gpu.sh train", carry=["train-runs/gpu-data", "train-runs/gpu-base"], timeout_s=540)'
    ;;
train)
    : "${OUT:?OUT is unset: run this through the device tool}"
    WORK=${GPU_WORK:-/tmp}
    export PYTHONPATH=.${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false  # worker processes tokenise instead
    if [ "${GPU_REQUIRE_CUDA:-1}" = 1 ]; then
        "$PYTHON" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name())"
    fi
    [ -f "$BASE/config.json" ] || { echo "no $BASE: run 'scripts/train-on-gpu.sh prepare' here and carry it" >&2; exit 2; }
    echo "continuing $(cat "$BASE/CONTINUED_FROM" 2>/dev/null || echo "$BASE")"
    # shellcheck disable=SC2086  # GPU_EXTRA_ARGS is a list of options
    "$PYTHON" -m qa.cli train-reader --base-model "$BASE" \
        --squad-train "$DATA/squad1.1-train.json.gz" --tune-file "$DATA/squad2-dev-tune.json.gz" \
        --eval-file "$DATA/squad2-dev-sample.json" \
        --seed "${GPU_SEED:-53}" --heldout-seed 13 --tune-repeats "${GPU_TUNE_REPEATS:-4}" \
        --hard-negatives "${GPU_HARD_NEGATIVES:-entity_swap:0.15,entity_swap_in_paragraph:1.0,antonym:0.5,sibling_paragraph:0.05,answer_sentence_removed:0.05}" \
        --hard-rate 0.25 --negative-rate "${GPU_NEGATIVE_RATE:-0.02}" --answerable-rate "${GPU_ANSWERABLE_RATE:-0.45}" \
        --distractor-rate "${GPU_DISTRACTOR_RATE:-0}" --word-distractor-rate "${GPU_WORD_DISTRACTOR_RATE:-0}" \
        --predicate-distractor-rate "${GPU_PREDICATE_DISTRACTOR_RATE:-0}" --headline-rate "${GPU_HEADLINE_RATE:-0}" \
        --modifier-distractor-rate "${GPU_MODIFIER_DISTRACTOR_RATE:-0}" \
        --shared-norm-rate "${GPU_SHARED_NORM_RATE:-0.5}" \
        --epochs "${GPU_EPOCHS:-2}" --batch-size 64 --max-length 384 \
        --lr "${GPU_LR:-5e-5}" --time-budget "${GPU_MINUTES:-5}" --deadline "${GPU_DEADLINE:-7.5}" ${GPU_EXTRA_ARGS:-} \
        --output "$WORK/reader-gpu" --run-dir "$WORK/reader-gpu-run" 2>&1 | tee "$OUT/train.log"
    cp "$WORK/reader-gpu/training_report.json" "$OUT/"
    # $OUT returns files of at most 16 MiB: the fp16 weights travel as a tar in parts
    tar -C "$WORK" -cf - reader-gpu | split -b 15M - "$OUT/reader-gpu.tar.part-"
    ls -l "$OUT"
    ;;
restore-tree)
    restore_tree
    git status --short -- "${HIDDEN[@]}"
    ;;
unpack)
    SRC=${2:?usage: $0 unpack FOLDER_WITH_PARTS [DEST]}
    DEST=${3:-train-runs/gpu-out}
    restore_tree
    mkdir -p "$DEST"
    cat "$SRC"/reader-gpu.tar.part-* | tar -xf - -C "$DEST" --strip-components=1
    echo "unpacked into $DEST:"
    ls -l "$DEST"
    echo "next: .venv/bin/qa check-int8 --reader-model $DEST   (records whether it may run in int8)"
    echo "then: .venv/bin/qa calibrate-open --reader-model $DEST   (threshold and confidence across passages)"
    ;;
*)
    sed -n '2,31p' "$0" >&2
    exit 2
    ;;
esac
