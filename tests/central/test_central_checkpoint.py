"""The background WAL checkpointer copies committed pages into the database file."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import insert

from central.checkpoint import WalCheckpointer
from central.db import create_schema, make_engine, ratings, sqlite_file


def test_checkpointer_moves_the_wal_into_the_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/central.db")
    path = sqlite_file(engine)
    assert path == f"{tmp_path}/central.db"
    create_schema(engine)
    rows = [
        {
            "id": f"r{i}",
            "kiosk_id": "K1",
            "idempotency_key": f"key-{i:06d}",
            "fingerprint": "x" * 64,
            "score": 5,
            "reasons": "[]",
            "created_us": i,
        }
        for i in range(3000)
    ]
    with engine.begin() as conn:
        # requests never checkpoint: that is the background thread's job
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        conn.execute(insert(ratings), rows)
    before = os.path.getsize(path)
    checkpointer = WalCheckpointer(path, interval_s=0.01)
    checkpointer.start()
    checkpointer.stop()  # always ends with one last checkpoint
    after = os.path.getsize(path)
    engine.dispose()
    assert after > before + 100_000
