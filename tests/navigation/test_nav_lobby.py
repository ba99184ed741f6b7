"""Loading the lobby map: the sample, and clear errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from navigation.errors import LobbyFileError, LobbyFormatError, UnknownPoseError
from navigation.lobby import LobbyMap, load_lobby

SAMPLE = Path(__file__).resolve().parents[2] / "config" / "lobby" / "lobby.yaml"


def test_sample_has_dock_and_twelve_counters(lobby: LobbyMap) -> None:
    assert {"dock", *(f"Q{i}" for i in range(1, 13))} <= set(lobby.poses)
    assert lobby.shape == (500, 800)  # 25 m x 40 m at 5 cm
    assert lobby.resolution == 0.05


def test_cells_and_metres_round_trip(lobby: LobbyMap) -> None:
    row, col = lobby.to_cell(20.02, 1.52)
    assert (row, col) == (469, 400)  # y up, row 0 at the top of the image
    x, y = lobby.to_world(row, col)
    assert (x, y) == pytest.approx((20.025, 1.525))
    assert lobby.occupied[lobby.to_cell(10.0, 7.0)]  # a pillar
    assert not lobby.occupied[lobby.to_cell(20.0, 5.0)]


def test_speed_zones(lobby: LobbyMap) -> None:
    assert lobby.speed_limit_at(20.0, 2.0) == 0.4
    assert lobby.speed_limit_at(20.0, 12.0) == 0.5
    assert lobby.speed_limit_at(5.0, 5.0) is None


def test_unknown_pose_names_the_known_ones(lobby: LobbyMap) -> None:
    with pytest.raises(UnknownPoseError, match="Q13.*known: Q1, Q10") as caught:
        lobby.pose("Q13")
    assert caught.value.code == "unknown-pose"


def _copy_sample(tmp_path: Path, yaml_text: str) -> Path:
    (tmp_path / "lobby.png").write_bytes((SAMPLE.parent / "lobby.png").read_bytes())
    path = tmp_path / "lobby.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    return path


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LobbyFileError, match="not found"):
        load_lobby(tmp_path / "nope.yaml")


def test_missing_key_is_named(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("resolution: 0.05\n", "")
    with pytest.raises(LobbyFormatError, match="resolution: Field required"):
        load_lobby(_copy_sample(tmp_path, text))


def test_bad_value_is_named(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("max_speed_mps: 0.4", "max_speed_mps: -1")
    with pytest.raises(LobbyFormatError, match=r"speed_zones\.0\.max_speed_mps"):
        load_lobby(_copy_sample(tmp_path, text))


def test_pose_inside_an_obstacle_is_refused(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("x: 35.8\n    y: 5.0", "x: 37.4\n    y: 5.0")
    with pytest.raises(LobbyFormatError, match="poses.Q9.*not on free floor"):
        load_lobby(_copy_sample(tmp_path, text))


def test_not_yaml_and_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(LobbyFormatError, match="not valid YAML"):
        load_lobby(_copy_sample(tmp_path, "image: [unclosed"))
    path = _copy_sample(tmp_path, SAMPLE.read_text(encoding="utf-8"))
    (tmp_path / "lobby.png").write_bytes(b"garbage, not a png")
    with pytest.raises(LobbyFormatError, match="not a readable image"):
        load_lobby(path)


def test_route_picture_for_a_kiosk_without_base(lobby: LobbyMap) -> None:
    path = [(20.0, 1.5), (20.0, 8.5), (6.0, 21.4)]
    image = lobby.render_route_png("dock", "Q2", path, width_px=400)
    assert image.size == (400, 250)
    # a route pixel is red, a free floor pixel is light
    red = image.getpixel((round((20.0 / 40) * 400), round((1 - 5.0 / 25) * 250)))
    assert red[0] > 180 and red[1] < 80
    assert image.getpixel((60, 60))[0] > 200


def test_planned_route_picture_and_unknown_pose(lobby: LobbyMap) -> None:
    from navigation.planner import Planner

    planner = Planner(lobby, inflation_m=0.4)
    path = planner.route_between("dock", "Q10")
    image = lobby.render_route_png("dock", "Q10", path)
    assert image.size == (480, 300)
    with pytest.raises(UnknownPoseError):
        lobby.render_route_png("dock", "Q0", path)
