#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/web) when it is missing: playwright-core
# drives /usr/bin/chromium and never downloads a browser of its own. Also a CJK font, without
# which the pages' Chinese name renders as empty boxes in screenshots. Needs root or sudo.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || packages+=(fonts-wqy-microhei)
if [ ${#packages[@]} -eq 0 ]; then exit 0; fi
echo "installing ${packages[*]} (apt-get install)"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends "${packages[@]}" || {
  $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${packages[@]}"
}
[ -x "$CHROMIUM" ] || { echo "chromium is still missing at $CHROMIUM" >&2; exit 1; }
