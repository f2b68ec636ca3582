"""Several commands in one unit of work, as a consumer batch runs them (one transaction, one flush): each sees
what the ones before it decided, before anything is written back, and each keeps its own dates."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from tdi_funding.commands import StaffApproval, StaffPayment
from tdi_funding.handlers import registry
from tdi_funding.repositories import FundingUnitOfWork, funding_unit_of_work
from tdi_funding.settings import FundingRules

from .conftest import STAFF, filing, fonds_vert_dossier, know_territory, open_envelope, staff_pipeline

pytestmark = pytest.mark.integration
AMOUNT = 1_000_000


async def test_a_grant_approved_and_paid_twice_in_one_batch_keeps_each_payment_and_its_value_date(funding_pool):
    territory, envelope = f"tdi-44-lot-{uuid.uuid4().hex[:6]}", f"fonds-vert-lot-{uuid.uuid4().hex[:6]}"
    async with funding_pool.acquire() as conn:
        await know_territory(conn, territory)
        await open_envelope(conn, envelope, 10 * AMOUNT)
    filed = await staff_pipeline(funding_pool).run(
        filing(fonds_vert_dossier(territory, envelope, AMOUNT)), STAFF, expect=dict
    )
    application_id = uuid.UUID(filed["application_id"])

    async with funding_pool.acquire() as conn, conn.transaction():  # what the consumer does for one batch
        uow = funding_unit_of_work(FundingRules())(conn, STAFF)
        approved = await _run(uow, StaffApproval(application_id, AMOUNT))
        grant_id = uuid.UUID(approved["grant_id"])  # the dossier is not saved yet: found in the unit of work
        await _run(uow, StaffPayment(grant_id, "PAY-A", AMOUNT // 4, date(2024, 5, 2)))
        await _run(uow, StaffPayment(grant_id, "PAY-B", AMOUNT // 4, date(2024, 6, 3)))
        await uow.flush()

    async with funding_pool.acquire() as conn:
        state, paid = await conn.fetchrow("SELECT state, paid_cents FROM applications WHERE id = $1", application_id)
        payments = await conn.fetch(
            "SELECT reference, paid_on FROM payments WHERE application_id = $1 ORDER BY reference", application_id
        )
        history = await conn.fetchval(
            "SELECT count(*) FROM application_history WHERE application_id = $1", application_id
        )
    assert (state, paid) == ("approved", AMOUNT // 2)
    assert [(p["reference"], p["paid_on"]) for p in payments] == [
        ("PAY-A", date(2024, 5, 2)),
        ("PAY-B", date(2024, 6, 3)),
    ]
    assert history == 4  # filed, approved, two payments: each line written once


async def _run(uow: FundingUnitOfWork, command: object) -> Any:
    uow.begin(STAFF)
    return await registry.for_command(command).handler(command, uow)
