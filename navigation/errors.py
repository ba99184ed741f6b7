"""Errors of the navigation package (one tree)::

    NavigationError               base (code navigation-error)
    +-- LobbyError                the lobby map cannot be used (lobby-error)
    |   +-- LobbyFileError        a map file is missing or unreadable (lobby-file)
    |   +-- LobbyFormatError      the YAML or the image is not a valid map (lobby-format)
    |   +-- UnknownPoseError      a pose name the map does not define (unknown-pose)
    +-- NoPathError               no collision-free path between two points (no-path)

Errors of the base itself (link, replies, setup) come from :mod:`drivers.base`; the safety
supervisor turns them into a stop, never into a crash.
"""

from __future__ import annotations


class NavigationError(Exception):
    """Navigation cannot do what was asked. ``code`` is short and machine-readable."""

    code = "navigation-error"


class LobbyError(NavigationError):
    """The lobby map cannot be used."""

    code = "lobby-error"


class LobbyFileError(LobbyError):
    """A map file is missing or unreadable."""

    code = "lobby-file"


class LobbyFormatError(LobbyError):
    """The YAML or the image is not a valid lobby map."""

    code = "lobby-format"


class UnknownPoseError(LobbyError, KeyError):
    """The map defines no pose of that name."""

    code = "unknown-pose"

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown pose"


class NoPathError(NavigationError):
    """No collision-free path joins the two points."""

    code = "no-path"
