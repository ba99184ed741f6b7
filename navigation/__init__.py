"""Navigation: the lobby map, path planning, path following, motion safety and guiding.

The kiosk uses:

- :func:`navigation.lobby.load_lobby` -> :class:`navigation.lobby.LobbyMap`
  (``render_route_png`` draws the way for a kiosk without a base)
- :class:`navigation.planner.Planner` (``route_between("dock", "Q3")``)
- :class:`navigation.settings.NavigationSettings` (the TOML section)
- :class:`navigation.guide.Guide` (``guide_to``, ``return_to_dock``, ``emergency_stop``,
  ``reset_after_stop``, ``status``, ``close``) with results :class:`navigation.guide.GuideResult`;
  its :class:`navigation.supervisor.SafetySupervisor` and, on a wall clock, the
  :class:`navigation.safety_thread.SafetyMonitor` thread guard every motion

Errors are drawn in :mod:`navigation.errors`. This package imports only ``drivers``.
"""
