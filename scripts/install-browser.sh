#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver for the browser test, when missing and possible
# (root or sudo). Without them the browser test is skipped, unless QA_REQUIRE_BROWSER=1.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "note: chromium/chromedriver missing and no root: the browser test will be skipped" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "note: no apt-get: install chromium and chromedriver yourself for the browser test" >&2
    exit 0
fi
echo "installing chromium and chromium-driver (Debian packages) for the browser test..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
