#!/usr/bin/env bash
# Install everything the tests need, then run them. Extra arguments go to pytest.
# Long soaks run in a short form; KIOSK_SOAK=full runs them in full.
# Two parallel workers (pytest-xdist); KIOSK_TEST_WORKERS=N for another number, 0 for one
# process. Tests of machine-wide state (the kernel's kworkers) take a lock (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
set +e
workers="${KIOSK_TEST_WORKERS:-2}"
parallel=()
if [ "$workers" != 0 ]; then
  parallel=(-n "$workers")
fi
.venv/bin/python -m pytest -p no:cacheprovider "${parallel[@]}" "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test.sh: pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
