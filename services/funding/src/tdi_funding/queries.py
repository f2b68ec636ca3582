"""Read models of the API: an envelope's balance, a dossier in a list, a dossier with its history."""

from typing import Any

from tdi_funding.domain.application import LABELS, State
from tdi_funding.domain.envelope import Envelope
from tdi_funding.store_applications import StoredApplication
from tdi_runtime.pipeline import Caller

UNDECIDED = frozenset({State.DRAFT.value, State.FILED.value, State.UNDER_INSTRUCTION.value})
UNDECIDED_AMOUNTS = ("requested_cents", "details")
"""A dossier's amounts before its decision are sensitive (platform rule, issue 14): null for a reader."""


def _shown(body: dict[str, Any], access: Caller) -> dict[str, Any]:
    if body["state"] not in UNDECIDED:
        return body
    fields = [f for f in UNDECIDED_AMOUNTS if f in body]
    return dict(access.hide("undecided_amount", body, fields, programme=body["programme"]))


def envelope(e: Envelope) -> dict[str, Any]:
    return {
        "envelope_id": e.envelope_id,
        "programme": e.programme,
        "region": e.region,
        "year": e.year,
        "operator": e.operator,
        "closed": e.closed,
        "ceiling_cents": e.ceiling_cents,
        "ceiling_provenance": e.provenance.value if e.provenance else None,
        "ceiling_label": ceiling_label(e),
        "parent_envelope_id": e.parent_id,
        "committed_cents": e.committed_cents,
        "allocated_cents": e.allocated_cents,
        "paid_cents": e.paid_cents,
        "available_cents": e.available_cents,
        "released_cents": e.released_cents,
        "files_from": e.files_from.isoformat() if e.files_from else None,
        "files_until": e.files_until.isoformat() if e.files_until else None,
    }


CEILING_LABELS = {None: "plafond non publié", "synthetic": "plafond fictif (démonstration)"}
"""What staff read next to a ceiling that is not a published or decided figure (issue 24, A4)."""


def ceiling_label(e: Envelope) -> str | None:
    if e.ceiling_cents is None:
        return CEILING_LABELS[None]
    return CEILING_LABELS.get(e.provenance.value if e.provenance else "")


def application_row(r: Any, access: Caller) -> dict[str, Any]:
    return _shown(
        {
            "application_id": str(r["id"]),
            "territory_id": r["territory_id"],
            "regions": list(r["regions"]),
            "programme": r["programme"],
            "envelope_id": r["envelope_id"],
            "state": r["state"],
            "state_label": LABELS[State(r["state"])],
            "requested_cents": r["requested_cents"],
            "granted_cents": r["granted_cents"],
            "committed_cents": r["granted_cents"] - r["released_cents"],
            "paid_cents": r["paid_cents"],
            "grant_id": str(r["grant_id"]) if r["grant_id"] else None,
            "filed_at": r["filed_at"].isoformat(),
        },
        access,
    )


def dossier(stored: StoredApplication, access: Caller) -> dict[str, Any]:
    a = stored.application
    return _shown(
        {
            "application_id": str(a.application_id),
            "territory_id": a.territory_id,
            "programme": a.programme,
            "envelope_id": a.envelope_id,
            "state": a.state.value,
            "state_label": LABELS[a.state],
            "requested_cents": a.requested_cents,
            "granted_cents": a.granted_cents,
            "committed_cents": a.committed_cents,
            "paid_cents": a.paid_cents,
            "grant_id": str(a.grant_id) if a.grant_id else None,
            "filed_by": stored.filed_by,
            "partner_reference": stored.partner_reference,
            "details": stored.details,
            "history": [
                {"at": h.at.isoformat(), "state": h.state.value, "actor": h.actor, "note": h.note} for h in a.history
            ],
            "payments": [{"reference": ref, "amount_cents": amount} for ref, amount in sorted(a.payments.items())],
        },
        access,
    )
