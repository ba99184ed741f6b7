"""Settings files: the shipped ones load; bad ones give one line per problem and a
non-zero exit from ``central serve``."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.cli import EXIT_CONFIG, EXIT_DATABASE, main
from central.errors import ConfigError
from central.settings import load_settings

CONFIG = Path(__file__).resolve().parents[2] / "config"


def test_shipped_configs_load() -> None:
    sim = load_settings(CONFIG / "central.sim.toml")
    assert len(sim.services) == 9 and len(sim.counters) == 12
    assert [k.id for k in sim.kiosks] == ["K1", "K2", "K3"]
    assert {p.code for p in sim.priority_categories} == {
        "elderly",
        "disability",
        "pregnant",
        "child_under_6",
        "veteran",
    }
    assert all(set(s.names) == {"vi", "en", "ko"} for s in sim.services)
    example = load_settings(CONFIG / "central.example.toml")
    assert example.timezone == "Asia/Ho_Chi_Minh"


BAD = """
database_url = "sqlite:///x.db"
timezone = "Mars/Olympus"
[priority]
policy = "random"
every_n = 0
[[services]]
code = "tu-phap"
prefix = "a1"
names = { en = "Justice" }
[[services]]
code = "dat-dai"
prefix = "D"
names = { vi = "Đất đai" }
[[counters]]
code = "Q1"
name = "Quầy 1"
services = ["tu-phap", "nope"]
token = "short"
"""


def test_bad_config_names_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    text = "\n".join(caught.value.problems)
    for key in (
        "timezone",
        "priority.policy",
        "priority.every_n",
        "services.0.prefix",
        "services.0.names",
        "counters.0.token",
    ):
        assert f"{path}: {key}: " in text, key
    assert all(line.startswith(f"{path}: ") for line in caught.value.problems)


def test_cross_field_problems(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text(
        BAD.replace('"a1"', '"A"')
        .replace("{ en =", "{ vi =")
        .replace("Mars/Olympus", "Asia/Ho_Chi_Minh")
        .replace('"random"', '"strict"')
        .replace("every_n = 0", "every_n = 5")
        .replace('"short"', '"long-enough-token-1"'),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.problems == [
        f"{path}: counters.0.services: unknown service 'nope'",
        f"{path}: services.1: no counter serves 'dat-dai'",
    ]


def test_serve_exits_non_zero_on_bad_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_bytes(b"database_url = [unclosed\n")
    assert main(["serve", "--config", str(broken)]) == EXIT_CONFIG
    assert capsys.readouterr().err.startswith(f"{broken}: (toml): ")
    assert main(["serve", "--config", str(tmp_path / "missing.toml")]) == EXIT_CONFIG
    assert "cannot read" in capsys.readouterr().err


def test_openapi_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    assert '"/api/v1/counters/{code}/call-next"' in capsys.readouterr().out


def _with_database(tmp_path: Path, url: str) -> Path:
    text = (CONFIG / "central.example.toml").read_text(encoding="utf-8")
    lines = [
        f'database_url = "{url}"' if ln.startswith("database_url") else ln
        for ln in text.splitlines()
    ]
    path = tmp_path / "central.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["check-config", "serve"])
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://nope", "database_url: 'mysql' is not supported"),
        ("postgresql+pg8000://u@127.0.0.1/db", "database_url: cannot use it: No module named"),
        ("nonsense", "database_url: 'nonsense' is not a database URL"),
        ("sqlite:////nonexistent-folder/central.db", "folder /nonexistent-folder does not exist"),
    ],
)
def test_a_database_central_cannot_use_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, url: str, expected: str
) -> None:
    path = _with_database(tmp_path, url)
    assert main([command, "--config", str(path)]) == EXIT_CONFIG
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"{path}: ") and expected in line


def test_a_database_that_does_not_answer_is_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = _with_database(tmp_path, f"postgresql+psycopg://central@127.0.0.1:{port}/central")
    assert main(["check-config", "--config", str(path)]) == EXIT_DATABASE
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "database_url: the database does not answer" in line


def test_check_config_passes_a_usable_sqlite_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_database(tmp_path, f"sqlite:///{tmp_path / 'central.db'}")
    assert main(["check-config", "--config", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"{path}: ok"


def test_shipped_example_database_lives_where_the_unit_creates_it() -> None:
    from central.preflight import sqlite_path

    unit = (CONFIG.parent / "systemd" / "central.service").read_text(encoding="utf-8")
    state = [ln.split("=", 1)[1] for ln in unit.splitlines() if ln.startswith("StateDirectory=")]
    example = load_settings(CONFIG / "central.example.toml")
    assert sqlite_path(example.database_url) == Path("/var/lib", state[0], "central.db")
    assert "RestartPreventExitStatus=2" in unit.splitlines()


@pytest.mark.parametrize("command", ["check-config", "serve"])
def test_a_missing_procedures_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    path = _with_database(tmp_path, f"sqlite:///{tmp_path / 'central.db'}")
    # a top-level key goes before the first table
    path.write_text('procedures_file = "nowhere.yaml"\n' + path.read_text(encoding="utf-8"))
    assert main([command, "--config", str(path)]) == EXIT_CONFIG
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"{path}: procedures_file: {tmp_path / 'nowhere.yaml'}: ")
    assert "cannot read" in line


def test_faces_enabled_with_an_unreadable_key_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_database(tmp_path, f"sqlite:///{tmp_path / 'central.db'}")
    key = tmp_path / "no-such.key"
    text = path.read_text(encoding="utf-8").replace(
        "[faces]\nenabled = false", f'[faces]\nenabled = true\nkey_file = "{key}"'
    )
    path.write_text(text, encoding="utf-8")
    assert main(["serve", "--config", str(path)]) == EXIT_CONFIG
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"{path}: faces.key_file {key}: cannot read")
