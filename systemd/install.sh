#!/usr/bin/env bash
# Install the kiosk on a device: code in /opt/kiosk, config in /etc/kiosk, the units and
# udev rules, a `kiosk` system user. Run from a checkout, as root. Idempotent.
# On a robot: install.sh --robot (adds the drop-in systemd/kiosk-robot.conf).
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
id kiosk >/dev/null 2>&1 || useradd --system --home /var/lib/kiosk --shell /usr/sbin/nologin kiosk
mkdir -p /opt/kiosk /etc/kiosk
if [ "$src" != /opt/kiosk ]; then
  cp -a "$src/." /opt/kiosk/
fi
/opt/kiosk/scripts/setup.sh runtime
[ -f /etc/kiosk/kiosk.toml ] || install -m 0640 -g kiosk /opt/kiosk/config/kiosk.example.toml /etc/kiosk/kiosk.toml
# central runs once per centre: its config is copied for the machine that will run it
# (`systemctl enable --now central` there), never started here by itself.
[ -f /etc/kiosk/central.toml ] || install -m 0640 -g kiosk /opt/kiosk/config/central.example.toml /etc/kiosk/central.toml
install -m 0644 /opt/kiosk/systemd/kiosk.service /opt/kiosk/systemd/central.service /etc/systemd/system/
install -m 0644 /opt/kiosk/systemd/99-kiosk.rules /etc/udev/rules.d/
# a robot (install.sh --robot): real-time priority for the stop guard and the safety
# thread, and for the kernel's tty threads between them and the controller (kiosk-rt)
if [ "${1:-}" = "--robot" ]; then
  install -D -m 0644 /opt/kiosk/systemd/kiosk-robot.conf /etc/systemd/system/kiosk.service.d/robot.conf
  install -m 0644 /opt/kiosk/systemd/kiosk-rt.service /etc/systemd/system/
fi
udevadm control --reload-rules && udevadm trigger || true
systemctl daemon-reload
if [ "${1:-}" = "--robot" ]; then systemctl enable --now kiosk-rt; fi
/opt/kiosk/.venv/bin/kiosk check-config /etc/kiosk/kiosk.toml || {
  echo "install.sh: edit /etc/kiosk/kiosk.toml, then: systemctl enable --now kiosk" >&2; exit 0; }
systemctl enable --now kiosk
