"""The lineage of a figure (issue 26): the events that make it (type, producer, time, id, payload hash), paged,
exportable, under a stable reference; folded again into empty tables, they give the figure to the cent."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest
import scenario

from tdi_contracts.registry import spec_for
from tdi_reporting.lineage import refold_figure

from .conftest import FONDS_VERT_TOKEN, READER_TOKEN, fold_directly

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


def _hashes(payloads: list[Any]) -> dict[str, str]:
    """The SHA-256 of each payload's bytes as its producer publishes them, by event type and subject."""
    return {f"{spec_for(p).type}/{spec_for(p).subject_of(p)}": hashlib.sha256(p.model_dump_json().encode()).hexdigest()
            for p in payloads}  # fmt: skip


@pytest.fixture
async def folded(reporting_service):
    async with reporting_service() as client:
        pool = client._transport.app.state.runtime.pool
        if not await pool.fetchval("SELECT count(*) FROM event_log"):
            await fold_directly(pool, scenario.territories())
            await fold_directly(pool, scenario.fiches() + scenario.funding()[:4])
            await fold_directly(pool, scenario.funding()[4:] + scenario.vte())
        yield client, pool


async def _figure(client, read_model: str, level: str, zone: str, measure: str, **dims: str) -> Any:
    rows = (await client.get(f"/api/read-models/{read_model}", params={"level": level})).json()["rows"]
    wanted = [r for r in rows if r["code_zone"] == zone and all(r[d] == v for d, v in dims.items())]
    return sum(r[measure] for r in wanted)


async def test_a_committed_amount_links_to_its_commitments_releases_and_territory_and_they_fold_back_to_it(folded):
    client, pool = folded
    asked = {"read_model": "financements", "level": "departement", "zone": "51", "measure": "engage_centimes"}
    lineage = (await client.get("/api/lineage", params=asked)).json()

    assert lineage["valeur"] == await _figure(client, "financements", "departement", "51", "engage_centimes")
    assert lineage["valeur"] == 100_000_000  # 1.2 M€ committed in Grand Reims, 0.2 M€ released
    assert lineage["libelle_zone"] == "Marne" and lineage["reference"].startswith("L-")
    events = lineage["evenements"]
    types = sorted(e["type"].split(".")[-2] for e in events)
    assert types == ["CommitmentReleased", "GrantCommitted", "TerritoryReferenceUpdated"]  # no payment, no dossier
    published = _hashes(scenario.programme())
    for e in events:
        assert set(e) >= {"type", "producer", "source", "time", "id", "payload_sha256", "tick", "seq"}
        assert e["payload_sha256"] == published[f"{e['type']}/{e['subject']}"]  # the bytes as published
    assert {e["producer"] for e in events} == {"funding", "territory"}

    assert await refold_figure(pool, lineage) == lineage["valeur"]


@pytest.mark.parametrize(
    ("read_model", "level", "zone", "measure", "dims"),
    [
        ("territoires", "region", "44", "epci", {}),
        ("territoires", "national", "FR", "territoires_sans_chef_de_projet", {}),
        ("actions_axes", "national", "FR", "fiches_actions", {"axe": "innovation"}),
        ("actions", "departement", "64", "fiches_actions", {"categorie": "soutien-filieres"}),
        ("financements", "national", "FR", "demandes_deposees", {"programme": "fonds-vert-ti"}),
        ("financements", "territory", scenario.REIMS, "verse_centimes", {}),
        ("vte", "national", "FR", "aide_totale_centimes", {}),
        ("vte", "region", "94", "contrats_signes", {"taille_entreprise": "eti"}),
    ],
)
async def test_every_kind_of_figure_folds_back_from_its_lineage(folded, read_model, level, zone, measure, dims):
    client, pool = folded
    asked = {"read_model": read_model, "level": level, "zone": zone, "measure": measure, **dims}
    lineage = (await client.get("/api/lineage", params=asked)).json()
    assert lineage["valeur"] == await _figure(client, read_model, level, zone, measure, **dims)
    assert lineage["valeur"], "a figure worth tracing"
    assert await refold_figure(pool, lineage) == lineage["valeur"]


async def test_a_lineage_is_paged_exported_and_found_again_by_its_reference(folded):
    client, _ = folded
    asked = {"read_model": "vte", "level": "national", "zone": "FR", "measure": "aide_totale_centimes"}
    whole = (await client.get("/api/lineage", params=asked)).json()
    first = (await client.get("/api/lineage", params={**asked, "limit": 3})).json()
    assert len(first["evenements"]) == 3 and first["suivant"] is not None
    rest = (await client.get("/api/lineage", params={**asked, "limit": 500, "after": first["suivant"]})).json()
    assert first["evenements"] + rest["evenements"] == whole["evenements"] and rest["suivant"] is None
    assert first["reference"] == rest["reference"] == whole["reference"]
    assert first["total"] == len(whole["evenements"])

    again = (await client.get(f"/api/lineage/{whole['reference']}")).json()
    assert again["evenements"] == whole["evenements"] and again["valeur"] == whole["valeur"]
    as_csv = await client.get(f"/api/lineage/{whole['reference']}.csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [e["id"] for e in whole["evenements"]]
    assert f"{whole['reference']}.csv" in as_csv.headers["content-disposition"]
    as_json = json.loads((await client.get(f"/api/lineage/{whole['reference']}.json")).content)
    assert as_json["reference"] == whole["reference"] and len(as_json["evenements"]) == len(rows)

    unknown = await client.get("/api/lineage/L-AAAAAAAAAAAAAAAAAAAA")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")


async def test_a_lineage_as_of_a_moment_leaves_out_what_came_later(folded):
    client, pool = folded
    asked = {"read_model": "financements", "level": "national", "zone": "FR", "measure": "verse_centimes"}
    now = (await client.get("/api/lineage", params=asked)).json()
    first_ticks = await pool.fetchval("SELECT at FROM ticks WHERE tick = 2")  # territories, fiches, 4 funding events
    then = (await client.get("/api/lineage", params={**asked, "as_of": first_ticks.isoformat()})).json()
    assert then["situation"]["tick"] == 2 and then["valeur"] == 0 and then["evenements"] == []
    assert now["valeur"] == 60_000_000 and now["reference"] != then["reference"]


async def test_a_lineage_follows_who_sees_what(folded):
    client, _ = folded
    vte = {"read_model": "vte", "level": "national", "zone": "FR", "measure": "contrats_signes"}
    other = await client.get("/api/lineage", params=vte, headers={"Authorization": f"Bearer {FONDS_VERT_TOKEN}"})
    assert (other.status_code, other.json()["code"]) == (403, "OUT_OF_PROGRAMME")
    hidden = {"read_model": "financements", "level": "national", "zone": "FR", "measure": "montant_demande_centimes"}
    reader = await client.get("/api/lineage", params=hidden, headers={"Authorization": f"Bearer {READER_TOKEN}"})
    assert reader.json()["valeur"] is None and reader.json()["evenements"] == []  # « non publié »: nothing to trace


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"read_model": "inconnu", "measure": "x"}, "NOT_FOUND"),
        ({"read_model": "vte", "measure": "inconnue"}, "INVALID_REQUEST"),
        ({"read_model": "vte", "measure": "contrats_signes", "taille_entreprise": "géante"}, "INVALID_REQUEST"),
        ({"read_model": "vte", "measure": "contrats_signes", "level": "region"}, "INVALID_REQUEST"),
        ({"read_model": "vte", "measure": "contrats_signes", "limit": "0"}, "INVALID_REQUEST"),
    ],
)
async def test_a_bad_lineage_request_has_a_stable_code_and_a_french_sentence(folded, params, code):
    client, _ = folded
    response = await client.get("/api/lineage", params=params)
    assert response.json()["code"] == code and response.json()["message"], response.text
