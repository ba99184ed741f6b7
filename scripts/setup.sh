#!/usr/bin/env bash
# Install what the kiosk needs on a fresh Debian/Ubuntu machine: system packages, a
# virtual environment in .venv and the Python packages. Safe to run again: it only
# installs what is missing. Usage: scripts/setup.sh [runtime|demo|dev]
# (demo: runtime and the Korean voice model the demo's voice citizens speak to)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# System packages: espeak-ng speaks (pyttsx3), PostgreSQL for the tests of central on it.
need=()
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || need+=(python3)
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
ldconfig -p 2>/dev/null | grep -q libportaudio.so.2 || need+=(libportaudio2)  # alsa:// mics
ldconfig -p 2>/dev/null | grep -q libusb-1.0.so.0 || need+=(libusb-1.0-0)  # usb:// printers
if [ "$profile" = dev ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  # the browser tests of central's pages drive Debian's chromium (never Playwright's download)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v npm >/dev/null || need+=(npm)  # fetches axe-core for the accessibility test
  # `systemd-analyze verify` and the offline security score of the units (tests)
  command -v systemd-analyze >/dev/null || need+=(systemd)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The virtual environment, reinstalled only when pyproject.toml changed.
[ -x .venv/bin/python ] || python3 -m venv .venv
extras=voice,faces,central  # central: the demo embeds the central server
[ "$profile" = demo ] && extras=voice,faces,central,demo
[ "$profile" = dev ] && extras=voice,faces,central,simday,dev
stamp=".venv/.installed-$extras-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages ($extras)" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$extras]"
  # face_recognition's metadata asks for the source dlib (a ten-minute compile); dlib-bin
  # (the faces extra) provides the same module, so it goes in without its dependencies.
  .venv/bin/python -m pip install -q --no-deps "face-recognition==1.3.0"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The accessibility test of central's pages runs axe-core (Deque's engine, from npm) in
# the browser: one file, kept in the venv.
if [ "$profile" = dev ] && [ ! -f .venv/share/axe-core/axe.min.js ]; then
  echo "setup: fetching axe-core from npm" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack -q axe-core@4 >/dev/null && tar xzf axe-core-*.tgz)
  mkdir -p .venv/share/axe-core
  cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" .venv/share/axe-core/
  rm -rf "$tmp"
fi
