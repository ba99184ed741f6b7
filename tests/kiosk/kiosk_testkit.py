"""Constants shared by the kiosk tests (the sim configs and their kiosk tokens)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CENTRAL_SIM = ROOT / "config" / "central.sim.toml"
KIOSK_SIM = ROOT / "config" / "kiosk.sim.toml"
TOKENS = {
    "K1": "sim-kiosk-K1-token-00000",
    "K2": "sim-kiosk-K2-token-00000",
    "K3": "sim-kiosk-K3-token-00000",
}
