"""A partner following `contracts/README.md`, `partner/README.md` and `tdi-partner --help` on the secure platform:
with only its SCRAM credentials and the README's example files, Bpifrance files a dossier, sends the funding
decision on it and a VTE contract, and reads the answers; the broker holds the partners' declared quotas."""

from __future__ import annotations

import asyncio
import functools
import re
from pathlib import Path

import pytest
from projections import know_territory
from typer.testing import CliRunner

from tdi_contracts.access import PARTNER_QUOTAS, partner_principal
from tdi_contracts.topics import consumer_group
from tdi_funding.app import create_app as create_funding
from tdi_localstack import quotas
from tdi_partner import cli
from tdi_runtime.testing import unique_name
from tdi_vte.app import create_app as create_vte
from tdi_vte.rules import VteRules

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "partner" / "examples"
REIMS, REIMS_COMMUNE = "tdi-44-grand-reims", "51454"
STAFF = "walkthrough-staff-token"
PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


def test_the_committed_quota_file_is_the_rendering_of_the_contracts():
    assert quotas.QUOTA_FILE.read_text(encoding="utf-8") == quotas.render(), (
        "run `python -m tdi_localstack quotas export`"
    )


def test_the_secure_stack_holds_each_partners_declared_quotas(own_secure_stack):
    assert own_secure_stack._kafka is not None
    password = own_secure_stack._kafka.credentials["admin"]
    described = quotas.describe(own_secure_stack.bootstrap_servers, "admin", password)  # read back from the broker
    declared = {
        partner_principal(p).removeprefix("User:"): {k: float(getattr(q, k)) for k in quotas.QUOTA_KEYS}
        for p, q in PARTNER_QUOTAS.items()
    }
    for user, values in sorted(described.items()):
        print(f"[quotas] {user}: " + ", ".join(f"{k}={v:.0f}" for k, v in sorted(values.items())))
    assert described == declared  # every partner, its three quotas, and no other principal limited


async def test_a_partner_publishes_a_vte_contract_and_a_funding_decision_with_the_cli_and_reads_the_answers(
    partner_platform, run_service, tmp_path
):
    stack = partner_platform
    assert stack._kafka is not None
    runner = CliRunner()
    env = {  # what partner/README.md tells the partner to set: its broker and its own SCRAM user
        "TDI_PARTNER_BOOTSTRAP_SERVERS": stack.bootstrap_servers,
        "TDI_PARTNER_USERNAME": "partner-bpifrance",
        "TDI_PARTNER_PASSWORD": stack._kafka.credentials["partner-bpifrance"],
    }
    sent = str(tmp_path / "envoyes.jsonl")

    async def tdi_partner(*args: str):  # the CLI runs its own event loop: in a thread, beside the services
        return await asyncio.to_thread(runner.invoke, cli.app, list(args), env=env)

    helps = [await tdi_partner(*command, "--help") for command in ([], ["publish"], ["follow"], ["types"])]
    assert all(h.exit_code == 0 for h in helps)
    assert all(word in helps[0].output for word in ("publish", "follow", "types"))
    assert all(option in helps[1].output for option in ("--partner", "--username", "--password", "--sent-log"))
    readme = (REPO / "partner" / "README.md").read_text(encoding="utf-8")
    assert all(f"examples/{name}" in readme for name in ("dossier.jsonl", "decision.jsonl", "contrat-vte.jsonl"))

    async with (
        run_service(functools.partial(create_funding, group=consumer_group("funding")), "funding",
                    database_url=stack.database_url, db_schema=unique_name("walk_f"),
                    api_tokens={STAFF: "staff"}) as (funding, funding_api),
        run_service(functools.partial(create_vte, rules=VteRules(pseudonym_key="walk-key"),  # type: ignore[arg-type]
                                      consumer_group=consumer_group("vte")), "vte",
                    database_url=stack.database_url, db_schema=unique_name("walk_v"),
                    api_tokens={STAFF: "staff"}) as (vte, _),
    ):  # fmt: skip
        pools = funding.state.runtime.pool, vte.state.runtime.pool
        await know_territory(*pools, REIMS, REIMS_COMMUNE, official_id="ti-8413", name="Grand Reims")
        types = await tdi_partner("types", "--partner", "bpifrance")
        assert "tdi.partner.bpifrance.funding.v1" in types.output and "tdi.partner.bpifrance.vte.v1" in types.output

        filed = await tdi_partner(
            "publish", str(EXAMPLES / "dossier.jsonl"), "--partner", "bpifrance", "--sent-log", sent
        )
        assert filed.exit_code == 0, filed.output
        followed = await tdi_partner("follow", "--partner", "bpifrance", "--sent-log", sent, "--timeout", "240")
        print(f"\n[walkthrough] follow after the dossier:\n{followed.output}")
        assert followed.exit_code == 0 and "Acceptées : 1   Refusées : 0" in followed.output
        application_id = re.search(r"application:([0-9a-f-]{36})", followed.output).group(1)  # type: ignore[union-attr]

        decision = tmp_path / "decision.jsonl"  # the example, with the id `follow` printed, as the README says
        decision.write_text(
            (EXAMPLES / "decision.jsonl").read_text(encoding="utf-8").replace(PLACEHOLDER, application_id)
        )
        decided = await tdi_partner("publish", str(decision), "--partner", "bpifrance", "--sent-log", sent)
        contract = await tdi_partner(
            "publish", str(EXAMPLES / "contrat-vte.jsonl"), "--partner", "bpifrance", "--sent-log", sent
        )
        assert decided.exit_code == 0 and contract.exit_code == 0, decided.output + contract.output
        answers = await tdi_partner("follow", "--partner", "bpifrance", "--sent-log", sent, "--timeout", "240")
        print(f"[walkthrough] follow after the decision and the VTE contract:\n{answers.output}")
        dossier = (
            await funding_api.get(f"/applications/{application_id}", headers={"Authorization": f"Bearer {STAFF}"})
        ).json()
        contracts = await vte.state.runtime.pool.fetch("SELECT contract_reference, decision FROM vte_contracts")
    assert answers.exit_code == 0, answers.output
    assert "Acceptées : 3   Refusées : 0   Sans réponse : 0" in answers.output
    assert "grant:" in answers.output and "vte-contract:" in answers.output
    assert [h["state"] for h in dossier["history"]] == ["filed", "approved"]
    assert [(r["contract_reference"], r["decision"]) for r in contracts] == [("BPI-VTE-2024-0042", "granted")]
