"""On the real stack (issue 24, seed 000 line 673 « les entreprises situées en Territoires d'industrie »): a VTE
contract in a commune of a territory whose perimeter is not known yet is held, and Bpifrance's one answer says so
with its code; when the territory service publishes the perimeter, the held contracts are decided (one decision
event each); a commune of a département that has a territory but lies outside every territory is refused."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import know_territory
from test_bpifrance_to_aid import answers_for, relayed, signed
from vte_bpifrance import STAFF_TOKEN, bpifrance_record, publish_as_bpifrance

from tdi_contracts.envelope import Envelope, decode_event, encode_event, spec_for
from tdi_contracts.events.territory import CommuneAssigned, TerritoryReferenceUpdated
from tdi_contracts.topics import TERRITORY, TERRITORY_REFERENCE, VTE_CONTRACT
from tdi_runtime.kafka import read_to_end
from tdi_runtime.testing import publish_records
from tdi_vte.domain import contract_id_of

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

EPCI = "200041762"


def as_territory_service(payload: Any) -> tuple[bytes | None, bytes, Any]:
    spec = spec_for(payload)
    key, value, headers = encode_event(Envelope.new(spec.type, spec.subject_of(payload), "territory"), payload)
    return key, value, list(headers)


async def decisions(client: Any, references: list[str], deadline_s: float = 90.0) -> dict[str, Any]:
    """Each contract's answer from the API once none of them is pending any more (polled, with a deadline)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while True:
        found = {r: (await client.get(f"/vte/contracts/{contract_id_of(r)}")).json() for r in references}
        if all(f.get("decision") not in (None, "pending") for f in found.values()):
            return found
        assert loop.time() < end, f"still held: {found}"
        await asyncio.sleep(0.5)


async def test_a_contract_is_held_until_its_territorys_perimeter_arrives_then_decided_once(vte_service, platform_stack):
    bootstrap = platform_stack.bootstrap_servers
    run = uuid.uuid4().hex[:6]
    landes = f"tdi-75-landes-{run}"  # the Landes (40): no territory of the annex, so none of another test waits
    n = uuid.uuid4().int % 900
    inside, outside, later_outside = (f"40{n + k:03d}" for k in (1, 2, 3))  # Landes communes of this run
    async with vte_service() as (app, client, _territory_id, _group, _commune):
        client.headers["Authorization"] = f"Bearer {STAFF_TOKEN}"
        async with app.state.runtime.pool.acquire() as conn:  # labelled, perimeter not known yet, no commune
            await know_territory(conn, landes, ["40"], [], regions=("75",))
        held_in, held_out = f"BPI-VTE-{run}-IN", f"BPI-VTE-{run}-OUT"
        records = [
            bpifrance_record(signed(held_in, landes, inside, candidate_ref="BPI-CAND-H1")),
            bpifrance_record(signed(held_out, landes, outside, candidate_ref="BPI-CAND-H2")),
        ]
        await publish_as_bpifrance(bootstrap, records)
        answers = await answers_for(bootstrap, {r[0] for r in records})
        assert len(answers) == 2, "one answer per event"
        for answer in answers:
            assert type(answer).__name__ == "PartnerEventAccepted"
            assert (answer.status.value, answer.pending_code) == ("pending", "TERRITORY_PERIMETER_PENDING")
            assert answer.notes == [
                f"Le périmètre du territoire {landes} n'est pas encore connu : le contrat est en attente et sera"
                " décidé dès qu'il le sera."
            ]
        shown = (await client.get(f"/vte/contracts/{contract_id_of(held_in)}")).json()
        assert (shown["decision"], shown["total_cents"], shown["territory_id"]) == ("pending", 0, None)

        # The territory service learns the perimeter: the commune, then the reference that says it is complete.
        assigned = CommuneAssigned.model_validate(
            {
                "territory_id": landes,
                "commune_insee": inside,
                "epci_siren": EPCI,
                "departement": "40",
                "assigned_on": "2024-01-15",
            },
            strict=False,
        )
        reference = TerritoryReferenceUpdated.model_validate(
            {
                "territory_id": landes,
                "revision": 2,
                "name": "Landes",
                "labelled": True,
                "regions": ["75"],
                "departements": ["40"],
                "epci_sirens": [EPCI],
                "active_binomes": 1,
                "chefs_de_projet": [],
                "as_of": datetime.now(UTC).isoformat(),
                "perimeter_known": True,
                "perimeter_as_of": "2024-01-15",
                "perimeter_communes": 1,  # as the territory service counts them: the two topics arrive in any order
            },
            strict=False,
        )
        await publish_records(bootstrap, TERRITORY.name, [as_territory_service(assigned)])
        await publish_records(bootstrap, TERRITORY_REFERENCE.name, [as_territory_service(reference)])

        decided = await decisions(client, [held_in, held_out])
        assert (decided[held_in]["decision"], decided[held_in]["territory_id"]) == ("granted", landes)
        assert decided[held_in]["total_cents"] == 400_000
        assert decided[held_out]["decision"] == "refused"
        assert [r["reason"] for r in decided[held_out]["reasons"]] == ["outside-every-territory"]

        # Now that the perimeter is known, a commune of the Landes outside it is refused at once.
        direct = f"BPI-VTE-{run}-LATER"
        later = bpifrance_record(signed(direct, landes, later_outside, candidate_ref="BPI-CAND-H3"))
        await publish_as_bpifrance(bootstrap, [later])
        [answer] = await answers_for(bootstrap, {later[0]})
        assert (type(answer).__name__, answer.status.value, answer.pending_code) == (
            "PartnerEventAccepted",
            "applied",
            None,
        )
        refused = (await client.get(f"/vte/contracts/{contract_id_of(direct)}")).json()
        assert (refused["decision"], [r["reason"] for r in refused["reasons"]]) == (
            "refused",
            ["outside-every-territory"],
        )

        await relayed(app.state.runtime.pool)
        all_answers = await answers_for(bootstrap, {r[0] for r in [*records, later]})
        assert len(all_answers) == 3, "still exactly one answer per event: the decision is not a second answer"
        ids = {contract_id_of(r): r for r in (held_in, held_out, direct)}
        names = []
        for r in await read_to_end(bootstrap, VTE_CONTRACT.name):
            envelope, payload = decode_event(r.key, r.value, r.headers)
            if getattr(payload, "vte_contract_id", None) in ids and envelope.type.split(".")[-2].startswith("VteAid"):
                names.append((ids[payload.vte_contract_id], envelope.type.split(".")[-2]))
        decisions_of = {
            ref: [n for r, n in names if r == ref and n in ("VteAidGranted", "VteAidRefused")] for ref in ids.values()
        }
        assert decisions_of == {held_in: ["VteAidGranted"], held_out: ["VteAidRefused"], direct: ["VteAidRefused"]}
