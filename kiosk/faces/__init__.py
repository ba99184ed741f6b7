"""Face-based dossier lookup on the kiosk: settings, the engine, liveness and matching.

Importing this package is cheap: dlib and the models load only when
:func:`kiosk.faces.engine.FaceEngine.load` runs, which the daemon calls only when the
feature is on, behind the first screen. No frame is kept or written: each one is dropped
as soon as its encoding or landmarks are taken.
"""
