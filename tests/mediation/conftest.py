"""Mediation tests walk the state table on minimal cases; the dossier's completeness rule for
archiving is tested on full cases in tests/mediation/documents (which keeps the rule on)."""

import pytest


@pytest.fixture(autouse=True)
def archive_checks(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "mediation.archive_checks", [])
