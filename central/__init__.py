"""Reference central queue server for the kiosks (wire API v1, docs/wire-api.md).

Run it with ``central serve --config config/central.sim.toml``; embed it with
``central.app.create_app(settings, clock=...)``. Shares no code with ``kiosk/``.
"""
