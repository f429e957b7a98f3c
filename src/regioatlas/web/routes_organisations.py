"""Routes of the organisations feature: search organisations, one organisation.

Thin: each route passes its path value and raw query to ``regioatlas.api.organisations``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request

from regioatlas.api.atlas import Atlas
from regioatlas.api.organisations import ORGANISATION_QUERY
from regioatlas.web.query import declared, query


def register(app: FastAPI, atlas: Atlas) -> None:
    """Add the organisation routes (``regioatlas serve`` warms the matching at start, see
    ``web.app.app_from_settings``; an app built for a test or a script builds it when first
    asked, not in a thread competing with everything it does)."""
    organisations = atlas.organisations

    @app.get(
        "/api/organisations",
        tags=["organisations"],
        summary="Organisations matched across sources (PIC, VAT, name and place), paged",
        **declared(ORGANISATION_QUERY),
    )
    def search(request: Request):
        return organisations.search(query(request))

    @app.get(
        "/api/organisations/{org_id}",
        tags=["organisations"],
        summary="One organisation: its projects across programmes, funding by year, places, "
        "and how each record was matched",
    )
    def organisation(org_id: str):
        return organisations.organisation(org_id)
