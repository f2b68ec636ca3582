"""The chef de projet cap per territory and per year, on the real database (issue 24, B1).

P:472 « 30 000 € par an pour les Territoires d'industrie composés d'une ou deux intercommunalités »; P:473
« 40 000 € par an … trois intercommunalités ou plus »; P:475 « renouvelé annuellement et conditionné à … a minima
30 % de cofinancement du poste. Des mutualisations … »; M:185 « Maximum 30 000 € ou 40 000 € / an par territoire »."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tdi_contracts.money import eur
from tdi_funding.commands import StaffApproval, StaffWithdrawal
from tdi_funding.repositories import FundingUnitOfWork
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Pipeline

from .conftest import (
    STAFF,
    chef_de_projet_dossier,
    filing,
    know_post,
    know_territory,
    open_envelope,
    staff_pipeline,
)
from .test_service import funding_service  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


async def _setup(pool, epci: int) -> tuple[Pipeline[FundingUnitOfWork], str, str]:  # type: ignore[no-untyped-def]
    territory, envelope = f"tdi-44-cdp-{uuid.uuid4().hex[:6]}", f"cdp-{uuid.uuid4().hex[:6]}"
    async with pool.acquire() as conn:
        await know_territory(conn, territory, epci=epci)
        await open_envelope(conn, envelope, eur(10_000_000), programme="chef-de-projet")
    return staff_pipeline(pool), territory, envelope


async def _file(
    use_cases: Pipeline[FundingUnitOfWork], territory: str, envelope: str, post: uuid.UUID, amount: int
) -> uuid.UUID:
    dossier = chef_de_projet_dossier(territory, envelope, post, amount)
    ids = await use_cases.run(filing(dossier), STAFF, expect=dict)
    return uuid.UUID(ids["application_id"])


async def _approve(use_cases: Pipeline[FundingUnitOfWork], application: uuid.UUID, amount: int) -> str:
    try:
        await use_cases.run(StaffApproval(application, amount), STAFF)
        return "approved"
    except DomainError as refused:
        return f"{refused.code}: {refused.message}"


async def test_a_second_30000_eur_dossier_of_a_two_epci_territory_the_same_year_is_refused__P472_P475(funding_pool):
    use_cases, territory, envelope = await _setup(funding_pool, epci=2)
    first_post, second_post = uuid.uuid4(), uuid.uuid4()
    async with funding_pool.acquire() as conn:
        await know_post(conn, first_post, territory, eur(60_000))
        await know_post(conn, second_post, territory, eur(60_000))
    first = await _file(use_cases, territory, envelope, first_post, eur(30_000))
    second = await _file(use_cases, territory, envelope, second_post, eur(30_000))

    approved = await _approve(use_cases, first, eur(30_000))
    refused = await _approve(use_cases, second, eur(30_000))
    await use_cases.run(StaffWithdrawal(first), STAFF)
    after_withdrawal = await _approve(use_cases, second, eur(30_000))

    assert approved == "approved"
    assert refused.startswith("CHEF_DE_PROJET_CAP_REACHED: ") and "ne laisse que 0,00 € en 2024" in refused
    assert after_withdrawal == "approved", "a withdrawal gives the year's room back"
    async with funding_pool.acquire() as conn:
        counted = await conn.fetchval(
            "SELECT committed_cents FROM cdp_territory_years WHERE territory_id = $1 AND year = 2024", territory
        )
    assert counted == eur(30_000)


async def test_racing_approvals_give_a_three_epci_territory_exactly_40000_eur_a_year__P473(funding_pool):
    use_cases, territory, envelope = await _setup(funding_pool, epci=3)
    posts = [uuid.uuid4() for _ in range(12)]
    async with funding_pool.acquire() as conn:
        for post in posts:
            await know_post(conn, post, territory, eur(100_000))
    filed = [await _file(use_cases, territory, envelope, post, eur(10_000)) for post in posts]

    outcomes = await asyncio.gather(*(_approve(use_cases, a, eur(10_000)) for a in filed))

    assert outcomes.count("approved") == 4
    assert sum(o.startswith("CHEF_DE_PROJET_CAP_REACHED") for o in outcomes) == 8
    async with funding_pool.acquire() as conn:
        counted = await conn.fetchval(
            "SELECT committed_cents FROM cdp_territory_years WHERE territory_id = $1", territory
        )
        committed = await conn.fetchval("SELECT committed_cents FROM envelopes WHERE id = $1", envelope)
    assert counted == committed == eur(40_000)


async def test_the_state_pays_at_most_70_percent_of_a_post_shared_by_two_territories__P475_M189_M192(funding_pool):
    use_cases, first, envelope = await _setup(funding_pool, epci=2)
    second = f"tdi-44-cdp-{uuid.uuid4().hex[:6]}"
    post = uuid.uuid4()
    async with funding_pool.acquire() as conn:
        await know_territory(conn, second, epci=3)
        await know_post(conn, post, first, eur(50_000), shared_with=(second,))
    a = await _file(use_cases, first, envelope, post, eur(17_500))  # 70 % of its half of 50,000 €
    b = await _file(use_cases, second, envelope, post, eur(17_500))
    c = await _file(use_cases, first, envelope, post, eur(1))
    too_much = chef_de_projet_dossier(second, envelope, post, eur(17_501))

    outcomes = [await _approve(use_cases, x, amount) for x, amount in ((a, eur(17_500)), (b, eur(17_500)), (c, 1))]
    with pytest.raises(DomainError) as above_share:
        await use_cases.run(filing(too_much), STAFF)

    assert outcomes[:2] == ["approved", "approved"]
    assert outcomes[2].startswith("CHEF_DE_PROJET_CAP_REACHED") and "70 %" in outcomes[2]
    assert above_share.value.details["field_errors"][0]["code"] == "state-share-above-cap"


async def test_a_chef_de_projet_dossier_names_a_known_post_of_its_territory_and_its_year(funding_pool):
    use_cases, territory, envelope = await _setup(funding_pool, epci=2)
    other = uuid.uuid4()
    async with funding_pool.acquire() as conn:
        await know_post(conn, other, "tdi-44-ailleurs", eur(60_000))
    unknown = chef_de_projet_dossier(territory, envelope, uuid.uuid4(), eur(10_000))
    foreign = chef_de_projet_dossier(territory, envelope, other, eur(10_000))
    codes = []
    for dossier in (unknown, foreign):
        with pytest.raises(DomainError) as refused:
            await use_cases.run(filing(dossier), STAFF)
        codes.append([e["code"] for e in refused.value.details["field_errors"]])
    assert codes == [["chef-de-projet-post-unknown"], ["chef-de-projet-post-of-another-territory"]]


async def test_the_subsidy_read_answers_the_room_left_for_the_territory_and_the_year__P472_P475(
    funding_service,  # noqa: F811
):
    from .test_service import dossier

    post, envelope = uuid.uuid4(), f"cdp-room-{uuid.uuid4().hex[:6]}"
    async with funding_service() as (app, client, t):
        async with app.state.runtime.pool.acquire() as conn:
            await know_post(conn, post, t["two"], eur(80_000))
        opened = await client.post("/envelopes", json={"envelope_id": envelope, "programme": "chef-de-projet",
                                                       "ceiling_cents": eur(1_000_000), "year": 2024})  # fmt: skip
        body = dossier(t["two"], programme="chef-de-projet", envelope_id=envelope, value_chain=None,
                       project_type="poste-chef-de-projet", eligible_cost_cents=eur(80_000),
                       requested_cents=eur(20_000), chef_de_projet_id=str(post))  # fmt: skip
        filed = await client.post("/applications", json=body)
        application = filed.json()["application_id"]
        await client.post(f"/applications/{application}/approval", json={"granted_cents": eur(20_000)})
        room = "/territories/{}/chef-de-projet-subsidy".format(t["two"])
        this_year = (await client.get(room, params={"year": 2024, "post_cost_cents": eur(80_000)})).json()
        next_year = (await client.get(room, params={"year": 2025})).json()
    assert opened.status_code == 201 and filed.status_code == 201, filed.text
    assert (this_year["cap_cents"], this_year["given_cents"], this_year["remaining_cents"]) == (
        eur(30_000),
        eur(20_000),
        eur(10_000),
    )
    assert (this_year["subsidy_cents"], this_year["grantable_cents"]) == (eur(30_000), eur(10_000))
    assert (next_year["given_cents"], next_year["remaining_cents"], next_year["subsidy_cents"]) == (
        0,
        eur(30_000),
        None,
    )
