#!/usr/bin/env bash
# One prepared reader-training run for a lent GPU machine (the library's `device` tool), in three steps:
#
#   1. here:       scripts/train-on-gpu.sh prepare
#                  copies the SQuAD files into train-runs/gpu-data/ (ignored; it travels with `carry`)
#   2. device run: command "bash scripts/train-on-gpu.sh train", carry ["train-runs/gpu-data"], timeout_s 540
#                  continues from models/reader with the GPU recipe (bf16, batch 64, length 384, 2 epochs,
#                  the rule-made hard negatives of qa.training.hard_negatives and the distractor copies of
#                  qa.training.distractors in the mix, bounded by
#                  GPU_MINUTES) and returns the result as a split tar in $OUT
#   3. here:       scripts/train-on-gpu.sh unpack FOLDER_WITH_PARTS [DEST]
#                  joins the parts into DEST (default train-runs/gpu-out); compare its training_report.json
#                  with models/reader's; ship it only if it scores higher on the evaluation sample AND still
#                  answers the seed question (tests/test_reader.py); run `qa check-int8 --reader-model DEST`
#                  here to record whether it may run in int8 (the GPU run skips that check).
#
# The GPU machine has torch, transformers, tokenizers, numpy and click but not Haystack; the training code
# needs only those. The base encoder's own package is too large to travel beside the repository (64 MiB),
# so a GPU run continues from the shipped reader; its held-out articles stay the same (--heldout-seed 13).
# To continue a better unshipped CPU stage instead, carry its folder too and name it, e.g. command
# "GPU_BASE_MODEL=train-runs/reader10-out bash scripts/train-on-gpu.sh train" with carry
# ["train-runs/gpu-data", "train-runs/reader10-out"] (about 54 MB of the 64 MiB that travel).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=train-runs/gpu-data

case "${1:-}" in
prepare)
    SHARED=${QA_SHARED_DATA:-../shared/data}
    mkdir -p "$DATA"
    cp "$SHARED/squad1.1-train.json.gz" "$SHARED/squad2-dev-tune.json.gz" "$SHARED/squad2-dev-sample.json" "$DATA/"
    du -sh "$DATA"
    ;;
train)
    : "${OUT:?OUT is unset: run this through the device tool}"
    export PYTHONPATH=. PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=true  # 16 cores there: tokenise the mix in parallel
    python3 -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name())"
    python3 -m qa.cli train-reader --base-model "${GPU_BASE_MODEL:-models/reader}" \
        --squad-train "$DATA/squad1.1-train.json.gz" --tune-file "$DATA/squad2-dev-tune.json.gz" \
        --eval-file "$DATA/squad2-dev-sample.json" \
        --seed "${GPU_SEED:-53}" --heldout-seed 13 --tune-repeats "${GPU_TUNE_REPEATS:-4}" \
        --hard-negatives "${GPU_HARD_NEGATIVES:-entity_swap,negation,antonym,sibling_paragraph,answer_sentence_removed}" --hard-rate 0.25 \
        --distractor-rate "${GPU_DISTRACTOR_RATE:-0.5}" --word-distractor-rate "${GPU_WORD_DISTRACTOR_RATE:-0.5}" \
        --predicate-distractor-rate "${GPU_PREDICATE_DISTRACTOR_RATE:-1.0}" --headline-rate "${GPU_HEADLINE_RATE:-0}" \
        --modifier-distractor-rate "${GPU_MODIFIER_DISTRACTOR_RATE:-0}" \
        --lr "${GPU_LR:-1e-4}" --time-budget "${GPU_MINUTES:-4}" \
        --output /tmp/reader-gpu --run-dir /tmp/reader-gpu-run 2>&1 | tee "$OUT/train.log"
    cp /tmp/reader-gpu/training_report.json "$OUT/"
    # $OUT returns files of at most 16 MiB: the fp16 weights travel as a tar in parts
    tar -C /tmp -cf - reader-gpu | split -b 15M - "$OUT/reader-gpu.tar.part-"
    ls -l "$OUT"
    ;;
unpack)
    SRC=${2:?usage: $0 unpack FOLDER_WITH_PARTS [DEST]}
    DEST=${3:-train-runs/gpu-out}
    mkdir -p "$DEST"
    cat "$SRC"/reader-gpu.tar.part-* | tar -xf - -C "$DEST" --strip-components=1
    echo "unpacked into $DEST:"
    ls -l "$DEST"
    echo "next: .venv/bin/qa check-int8 --reader-model $DEST   (records whether it may run in int8)"
    ;;
*)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
