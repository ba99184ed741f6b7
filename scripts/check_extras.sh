#!/usr/bin/env bash
# CI: do the declared dependencies match the imports? Build the wheel once, then install
# the bare package and each extra alone in a throwaway virtualenv and run, from outside
# the source tree (so only the installed package is importable): `kiosk --help`,
# `kiosk check-config` on the sim config, and the daemon's import. pip's cache is reused,
# so after the first run each install takes seconds. The dev extra is what the test suite
# itself runs in, so it is not repeated here. Usage: scripts/check_extras.sh [EXTRA...]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON:-python3}
extras=("$@")
[ ${#extras[@]} -gt 0 ] || extras=(bare camera voice faces central)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# build from a copy of the tracked files: setuptools leaves build/ in the folder it builds
mkdir "$work/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
"$python" -m pip wheel -q --no-deps -w "$work/dist" "$work/src" >/dev/null
wheel=$(ls "$work"/dist/kiosk-*.whl)

# the sim config, with the project files it names by default (catalogue, lobby map) given
# as absolute paths: a wheel has no config/ folder for the defaults to point into
config="$work/kiosk.toml"
sed -e "s|^\[kiosk\]\$|[kiosk]\ncatalogue = \"$root/config/catalogue.toml\"|" \
    -e "s|^state_dir = .*|state_dir = \"$work/state\"|" "$root/config/kiosk.sim.toml" > "$config"
printf '\n[navigation]\nmap_path = "%s/config/lobby/lobby.yaml"\n' "$root" >> "$config"

for extra in "${extras[@]}"; do
  venv="$work/venv-$extra"
  "$python" -m venv "$venv"
  spec="$wheel"
  [ "$extra" = bare ] || spec="$wheel[$extra]"
  started=$(date +%s)
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$spec"
  # (set -e does not apply inside a command list tested with ||: chain with && instead)
  cd "$work" \
    && "$venv/bin/kiosk" --help >/dev/null \
    && "$venv/bin/kiosk" check-config "$config" \
    && "$venv/bin/python" -c "import kiosk.daemon, kiosk.wiring" \
    && if [ "$extra" = central ]; then
         "$venv/bin/central" --help >/dev/null \
           && "$venv/bin/python" -c "import kiosk.embedded_central"
       fi \
    || { echo "check_extras: the '$extra' install fails (see above)" >&2; exit 1; }
  cd "$root"
  echo "check_extras: $extra ok ($(( $(date +%s) - started )) s)"
done
