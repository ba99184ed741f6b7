"""A simulated working day (and a soak) on the real daemon: ``kiosk simulate-day``.

:mod:`~kiosk.simday.plan` (who comes when, faults, how time is scaled),
:mod:`~kiosk.simday.visitors` (what each citizen does on the screen),
:mod:`~kiosk.simday.faults` (breaking and fixing the parts),
:mod:`~kiosk.simday.day` (running it), :mod:`~kiosk.simday.report` (HTML and plots),
:mod:`~kiosk.simday.soak` (a long run: memory growth and stale state).
"""
