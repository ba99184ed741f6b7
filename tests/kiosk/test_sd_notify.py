"""sd_notify over a real unix datagram socket, in UTF-8 (Vietnamese STATUS survives)."""

from __future__ import annotations

import socket
from pathlib import Path

from kiosk.sd_notify import SystemdNotifier


def test_ready_status_and_watchdog_reach_the_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(path)
        systemd.settimeout(2)
        notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
        assert notifier.enabled and notifier.watchdog_interval_s == 15
        assert notifier.ready("kiosk K1: 8 lĩnh vực, central online")
        assert systemd.recv(4096).decode("utf-8") == (
            "READY=1\nSTATUS=kiosk K1: 8 lĩnh vực, central online"
        )
        assert notifier.watchdog()
        assert systemd.recv(4096) == b"WATCHDOG=1"


def test_outside_systemd_it_is_silent_and_a_dead_socket_is_reported(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    assert not SystemdNotifier({}).ready("x")
    gone = SystemdNotifier({"NOTIFY_SOCKET": str(tmp_path / "nobody-listens")})
    assert not gone.ready("x")
    assert "sd_notify" in caplog.text
