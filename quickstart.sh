#!/usr/bin/env bash
# One command from a fresh clone: install into .venv/, build the default index from the bundled
# sample article, answer the demo question, then serve the chat page and JSON API (printing the
# URL). Extra arguments go to `qa serve`, e.g. ./quickstart.sh --port 9000 --host 0.0.0.0
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh
.venv/bin/qa index examples/docs --no-progress
.venv/bin/qa ask "When did fighting start?"
exec .venv/bin/qa serve "$@"
