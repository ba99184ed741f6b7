"""Procedure information and dossier status on the kiosk (issue 8).

- :mod:`.model` the catalogue as central serves it, checked again here (bundled file,
  cache and network are all input);
- :mod:`.store` the copy in use: central's, cached in the state directory, else the one
  bundled in ``config/``;
- :mod:`.search` typo-tolerant search (Telex, no tone marks); :mod:`.telex` the
  on-screen keyboard's Telex composition;
- :mod:`.answers` short spoken answers with the procedure kept in context;
- :mod:`.remote` the two calls to central (catalogue, dossier look-up).
"""
