"""Settings of navigation and motion safety (a section of the kiosk's TOML config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class NavigationSettings(BaseModel):
    """How the robot plans, drives, guides and keeps people safe."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    map_path: str = "config/lobby/lobby.yaml"
    """Lobby map YAML (ROS map_server format plus poses and speed zones)."""
    robot_radius_m: float = Field(default=0.30, ge=0.1, le=1.0)
    """Radius of a circle that covers the robot, metres."""
    inflation_margin_m: float = Field(default=0.10, ge=0.0, le=1.0)
    """Extra clearance kept from walls and furniture beyond the radius, metres."""
    plan_cell_m: float = Field(default=0.10, ge=0.02, le=0.5)
    """Cell size the A* search runs on (the map's cells are grouped up to this), metres."""
    max_speed_mps: float = Field(default=1.0, gt=0.0, le=1.2)
    """Global speed limit, never exceeded by any wheel, m/s."""
    guide_speed_mps: float = Field(default=0.7, ge=0.5, le=0.8)
    """Pace while leading a citizen, m/s."""
    slow_speed_mps: float = Field(default=0.4, ge=0.1, le=0.6)
    """Pace while leading an elderly or priority citizen (slow mode), m/s."""
    return_speed_mps: float = Field(default=0.8, gt=0.0, le=1.2)
    """Pace when driving back to the dock alone, m/s."""
    max_angular_radps: float = Field(default=1.2, gt=0.0, le=3.0)
    """Fastest turn, rad/s."""
    lookahead_m: float = Field(default=0.6, ge=0.2, le=2.0)
    """Pure pursuit look-ahead distance, metres."""
    arrival_tolerance_m: float = Field(default=0.15, ge=0.03, le=1.0)
    """The goal is reached within this distance, metres."""
    control_hz: float = Field(default=50.0, ge=10.0, le=100.0)
    """Rate of the control loop: state read and safety checks (bumper to stop latency)."""
    command_hz: float = Field(default=20.0, ge=10.0, le=50.0)
    """Rate at which an unchanged velocity is streamed to the controller."""
    serial_timeout_s: float = Field(default=0.5, ge=0.1, le=2.0)
    """The controller stops the motors by itself after this long without commands."""
    link_failures_to_stop: int = Field(default=3, ge=1, le=20)
    """Consecutive failed exchanges after which the link counts as lost."""
    stale_odometry_s: float = Field(default=0.3, ge=0.05, le=2.0)
    """While moving, the stop is on the wire before the last good reading is this old,
    seconds (below serial_timeout_s)."""
    safety_poll_hz: float = Field(default=200.0, ge=20.0, le=1000.0)
    """Rate at which the safety thread reads the e-stop and bumpers while moving (wall
    clock only; bumper-to-stop latency)."""
    safety_realtime: bool = True
    """Ask for SCHED_FIFO priority for the safety thread (falls back to nice, then normal)."""
    battery_check_s: float = Field(default=5.0, ge=0.5, le=60.0)
    """How often the battery voltage is read, seconds."""
    low_battery_v: float = Field(default=22.0, ge=0.0, le=60.0)
    """Below this, no new guiding starts: hand over to the screen and dock, volts."""
    long_stop_s: float = Field(default=10.0, ge=1.0, le=300.0)
    """A stop longer than this is followed by a warning before moving again, seconds."""
    resume_warning_s: float = Field(default=2.0, ge=2.0, le=10.0)
    """How long the warning is spoken and shown before moving (at least 2 s), seconds."""
    obstacle_check_m: float = Field(default=1.5, ge=0.3, le=5.0)
    """How far along the path ahead people and objects count as blocking, metres."""
    obstacle_radius_m: float = Field(default=0.3, ge=0.1, le=1.0)
    """Radius given to a reported obstacle (a person), metres."""
    make_way_wait_s: float = Field(default=3.0, ge=0.5, le=30.0)
    """After asking people to make way, wait this long before replanning, seconds."""
    blocked_give_up_s: float = Field(default=20.0, ge=2.0, le=300.0)
    """Still blocked after this long: give up politely and return, seconds."""
    goal_timeout_s: float = Field(default=240.0, ge=10.0, le=1800.0)
    """A single trip taking longer than this gives up, seconds."""
    make_way_after_s: float = Field(default=1.0, ge=0.0, le=30.0)
    """Someone on the path this long (standing, not walking past) is asked to make way,
    seconds."""
    braking_decel_mps2: float = Field(default=1.0, ge=0.2, le=5.0)
    """Deceleration the base reaches for sure on a stop (below the controller's), m/s^2;
    sets the protective field's length."""
    reaction_time_s: float = Field(default=0.3, ge=0.05, le=2.0)
    """From a person entering the protective field to the wheels braking: one lidar
    revolution plus the stop on the wire, seconds."""
    protective_margin_m: float = Field(default=0.25, ge=0.05, le=2.0)
    """Clearance kept beyond the stopping distance, metres (half of it all round)."""
    field_side_margin_m: float = Field(default=0.05, ge=0.0, le=1.0)
    """The fields are as wide as the robot plus this on each side, and the ring around it
    for turns on the spot this wide, metres (keep it below inflation_margin_m)."""
    warning_extra_m: float = Field(default=1.0, ge=0.0, le=5.0)
    """The warning field reaches this much further than the protective field, metres."""
    warning_speed_mps: float = Field(default=0.3, ge=0.05, le=1.0)
    """Pace while something is in the warning field, m/s."""
    field_clear_s: float = Field(default=1.0, ge=0.1, le=30.0)
    """After a protective stop, the field must stay clear this long before moving, seconds."""
    lidar_stale_s: float = Field(default=0.5, ge=0.1, le=5.0)
    """While moving, a lidar silent this long stops the robot (latched: lidar-lost),
    seconds; samples older than this no longer count for the fields."""

    @model_validator(mode="after")
    def _speeds_fit(self) -> NavigationSettings:
        if self.slow_speed_mps >= self.guide_speed_mps:
            raise ValueError("slow_speed_mps must be below guide_speed_mps")
        if self.guide_speed_mps > self.max_speed_mps:
            raise ValueError("guide_speed_mps must not exceed max_speed_mps")
        if self.stale_odometry_s >= self.serial_timeout_s:
            raise ValueError(
                "stale_odometry_s must be below serial_timeout_s (our stop must come first)"
            )
        return self

    @property
    def inflation_m(self) -> float:
        """Robot radius plus margin: how far obstacles are grown for planning."""
        return self.robot_radius_m + self.inflation_margin_m
