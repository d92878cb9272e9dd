#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/web) when it is missing: playwright-core
# drives /usr/bin/chromium and never downloads a browser of its own. Needs root or sudo.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "installing chromium (apt-get install chromium)"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends chromium || {
  $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends chromium
}
[ -x "$CHROMIUM" ] || { echo "chromium is still missing at $CHROMIUM" >&2; exit 1; }
