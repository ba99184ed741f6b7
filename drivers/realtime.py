"""Real-time priority for the threads and processes that stop the robot.

One function for the safety thread (navigation), the lidar's reader and the stop guard
process (drivers), which also locks its memory (:func:`lock_memory`): Linux
``SCHED_FIFO`` if allowed (root, ``CAP_SYS_NICE`` or ``LimitRTPRIO=`` in the unit), else
a raised nice value, else nothing; the caller logs what it got. Applies to the calling
thread (the whole process when it has one thread).
"""

from __future__ import annotations

import ctypes
import os
import threading


def raise_priority(fifo_priority: int) -> str:
    """Give the calling thread real-time priority if allowed; return what it got
    ("SCHED_FIFO 50", "nice -15" or "normal")."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(fifo_priority))
        return f"SCHED_FIFO {fifo_priority}"
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), -15)
        return "nice -15"
    except (AttributeError, OSError):
        return "normal"


def lock_memory() -> bool:
    """mlockall(MCL_CURRENT | MCL_FUTURE) for a process that stops the robot: no page fault
    (a swapped-out page, a page of a lazily mapped library) ever delays a stop. False when
    not allowed (RLIMIT_MEMLOCK: the robot's systemd drop-in raises it)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.mlockall(1 | 2) == 0)
    except (OSError, AttributeError):
        return False


#: SCHED_FIFO priority of the device simulators' processes (``kiosk sim base|lidar
#: --realtime``): they stand for a controller's or a sensor's own microcontroller, which
#: the host's load never slows, so they run above every host process that stops the
#: robot (the stop guard 60, the safety and lidar threads 50)
SIMULATOR_FIFO = 70
