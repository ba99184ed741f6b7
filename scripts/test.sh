#!/usr/bin/env bash
# Install everything the tests need, then run them. Extra arguments go to pytest.
# Long soaks run in a short form; KIOSK_SOAK=full runs them in full.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
set +e
.venv/bin/python -m pytest -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test.sh: pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
