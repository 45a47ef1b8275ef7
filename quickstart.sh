#!/usr/bin/env bash
# One command from a fresh clone: install into .venv/, build the default index from the bundled
# sample article, and answer the demo question with its citation.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh
.venv/bin/qa index examples/docs --no-progress
.venv/bin/qa ask "When did fighting start?"
