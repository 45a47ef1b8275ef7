#!/usr/bin/env bash
# Install what is missing (idempotent; Chromium for the browser test when root/sudo allows),
# then run the test suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh
scripts/install-browser.sh
exec .venv/bin/python -m pytest "$@"
