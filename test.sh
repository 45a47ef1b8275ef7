#!/usr/bin/env bash
# Install what is missing (idempotent), then run the test suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh
exec .venv/bin/python -m pytest "$@"
