"""Config validation: one line per problem naming file, key and reason."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
GOOD = (ROOT / "config" / "kiosk.sim.toml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["kiosk.sim.toml", "kiosk.example.toml"])
def test_shipped_configs_are_valid(name: str) -> None:
    config = load_config(ROOT / "config" / name)
    assert config.kiosk.id == "K1"
    assert config.central.budget_ms == 800


def test_every_problem_is_one_line_with_file_key_and_reason(tmp_path: Path) -> None:
    bad = (
        GOOD.replace("budget_ms = 800", "budget_ms = 5")
        .replace('printer = "sim://"', 'printer = "lpt://1"')
        .replace("[flow]", "[flow]\nidle_timout_s = 30")
    )
    path = _write(tmp_path, bad)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert all(line.startswith(f"{path}: ") for line in problems)
    by_key = {line.split(": ")[1]: line for line in problems}
    assert "greater than or equal to 100" in by_key["central.budget_ms"]
    assert "unknown scheme 'lpt'" in by_key["devices.printer"]
    assert "usb://, tcp://, serial://, file://, sim://" in by_key["devices.printer"]
    assert "unknown key" in by_key["flow.idle_timout_s"]


def test_missing_section_and_toml_syntax(tmp_path: Path) -> None:
    no_central = GOOD.split("[central]")[0]
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, no_central))
    assert caught.value.problems == [f"{tmp_path / 'kiosk.toml'}: central: required key is missing"]
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, GOOD + "\n[screen\n"))
    assert "TOML syntax" in caught.value.problems[0]
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.toml")
    assert caught.value.problems == [f"{tmp_path / 'absent.toml'}: file not found"]


def test_bad_language_code_and_offline_prefix(tmp_path: Path) -> None:
    bad = GOOD.replace('languages = ["vi", "en", "ko"]', 'languages = ["vi", "English"]')
    bad = bad.replace('offline_prefix = "K1"', 'offline_prefix = "k-1"')
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, bad))
    text = "\n".join(caught.value.problems)
    assert "kiosk.languages: 'English' is not a language code" in text
    assert "central.offline_prefix: String should match pattern" in text


def test_check_config_command(tmp_path: Path) -> None:
    good = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "check-config",
            str(ROOT / "config" / "kiosk.sim.toml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
    path = _write(tmp_path, GOOD.replace("[screen]", "[screen]\ncolour = 3"))
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == f"{path}: screen.colour: unknown key (typo?)"


def test_run_refuses_a_bad_config_before_starting_anything(tmp_path: Path) -> None:
    bad = re.sub(r"(?m)^base = .*$", 'base = "can://0"', GOOD)
    bad = re.sub(r"(?m)^state_dir = .*$", f'state_dir = "{tmp_path / "state"}"', bad)
    assert bad.count("can://0") == 1 and str(tmp_path / "state") in bad
    path = _write(tmp_path, bad)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "devices.base: can://0: unknown scheme 'can'" in result.stderr
    assert not (tmp_path / "state").exists()  # nothing was started or created


def _check(tmp_path: Path, *subs: tuple[str, str]) -> subprocess.CompletedProcess[str]:
    text = re.sub(r"(?m)^state_dir = .*$", f'state_dir = "{tmp_path / "state"}"', GOOD)
    for pattern, replacement in subs:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count == 1, pattern
    path = _write(tmp_path, text)
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("subs", "expected"),
    [
        (
            [(r"^printer = .*$", 'printer = "tcp://:notaport"')],
            "devices.printer: tcp://:notaport: expected tcp://HOST:PORT",
        ),
        (
            [(r"^printer = .*$", 'printer = "tcp://10.0.0.7:99999"')],
            "devices.printer: tcp://10.0.0.7:99999: port '99999' is not 1..65535",
        ),
        (
            [(r"^state_dir = .*$", 'state_dir = "/proc/kiosk-state"')],
            "kiosk.state_dir: cannot create folder /proc/kiosk-state",
        ),
        (
            [(r"^languages = .*$", '\\g<0>\ncatalogue = "nowhere/catalogue.toml"')],
            "catalogue.toml: catalogue file not found",
        ),
        (
            [(r"^\[central\]$", '[speech.languages.zz]\nvoice = "en"\n\n[central]')],
            "speech.languages.zz: 'zz' is not one of kiosk.languages (vi, en, ko)",
        ),
        (
            [(r'^voice = "ko"$', '\\g<0>\nmodel_path = "no-such-model"')],
            "speech.languages.ko.model_path: no model folder at",
        ),
    ],
    ids=[
        "tcp-no-host",
        "tcp-bad-port",
        "state-dir-in-proc",
        "no-catalogue",
        "unknown-language",
        "missing-model",
    ],
)
def test_check_config_catches_what_would_stop_the_start(
    tmp_path: Path, subs: list[tuple[str, str]], expected: str
) -> None:
    done = _check(tmp_path, *subs)
    assert done.returncode == 2, done.stdout
    [line] = [x for x in done.stderr.splitlines() if x.startswith(str(tmp_path / "kiosk.toml"))]
    assert expected in line


def test_a_language_without_a_model_is_a_note_not_an_error(tmp_path: Path) -> None:
    done = _check(tmp_path)  # the sim config's languages have no model_path
    assert done.returncode == 0, done.stderr
    assert "speech.languages.en: no model_path: citizens cannot speak en" in done.stdout


def test_run_fails_with_one_line_and_exit_2_on_what_check_config_reports(tmp_path: Path) -> None:
    text = re.sub(r"(?m)^state_dir = .*$", 'state_dir = "/proc/kiosk-state"', GOOD)
    path = _write(tmp_path, text)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert [x for x in done.stderr.splitlines() if not x.startswith("<")] == [
        f"{path}: kiosk.state_dir: cannot create folder /proc/kiosk-state: No such file or "
        "directory"
    ]
