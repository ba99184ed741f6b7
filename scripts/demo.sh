#!/usr/bin/env bash
# The kiosk on simulated hardware with the central server embedded.
# Without a display it plays 20 scripted citizens (--headless) and writes tickets,
# screenshots and the transcript to demo-out/. Extra arguments go to `kiosk demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh demo  # runtime + the Korean model the voice citizens speak to
args=("$@")
if [ ${#args[@]} -eq 0 ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  args=(--headless)
fi
exec .venv/bin/kiosk demo "${args[@]}"
