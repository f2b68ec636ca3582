"""On the real stack: Bpifrance publishes VTE contracts with the SDK, keeping its sent log; the vte service links each
accepted event to Bpifrance's chain and publishes it; `tdi-partner verify` passes, then fails at the very link whose
event was altered by hand in the database, and reports a sent event the platform never accepted as missing."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
from test_bpifrance_to_aid import signed
from typer.testing import CliRunner
from vte_bpifrance import STAFF_TOKEN

from tdi_contracts.chain import event_hash
from tdi_contracts.envelope import spec_for
from tdi_contracts.events.vte import DeclareVteGreenMission
from tdi_partner import cli

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

PARTNER_TOKEN = "test-bpifrance-chain-token"
OTHER_PARTNER_TOKEN = "test-ademe-chain-token"


async def linked(pool, event_ids: set[str], deadline_s: float = 120.0) -> dict[str, int]:
    """The seq of each of these events in Bpifrance's chain, once all are linked (polled, with a deadline)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while True:
        rows = await pool.fetch(
            "SELECT event_id, seq FROM partner_chain WHERE partner = 'bpifrance' AND event_id = ANY($1::text[])",
            list(event_ids),
        )
        if len(rows) == len(event_ids):
            return {r["event_id"]: r["seq"] for r in rows}
        assert loop.time() < end, f"not linked yet: {event_ids - {r['event_id'] for r in rows}}"
        await asyncio.sleep(0.3)


async def every_link(client, token: str) -> list[dict]:
    """The whole chain, page by page (2 links a page: the paging is exercised too)."""
    links, after = [], 0
    while after is not None:
        answer = await client.get(
            "/partners/bpifrance/chain",
            params={"after": after, "limit": 2},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        links += page["links"]
        after = page["next_after"]
    return links


async def test_verify_passes_then_names_the_link_altered_in_the_database_and_the_dropped_event(
    vte_service, platform_stack, tmp_path, monkeypatch
):
    monkeypatch.setenv(
        "TDI_VTE_PARTNER_CHAIN_TOKENS", json.dumps({PARTNER_TOKEN: "bpifrance", OTHER_PARTNER_TOKEN: "ademe"})
    )
    run = uuid.uuid4().hex[:8]
    async with vte_service() as (app, client, territory_id, _group, commune):
        references = [f"BPI-CHAIN-{run}-{n}" for n in range(3)]
        contracts = [signed(r, territory_id, commune) for r in references]
        missions = [
            DeclareVteGreenMission.model_validate(
                {
                    "contract_reference": r,
                    "scope": "decarbonation",
                    "requested_cents": 800_000,
                    "declared_on": "2024-09-25",
                },
                strict=False,
            )
            for r in references[:2]
        ]  # two keys with two events each: their order is promised, the order across keys is not
        payloads = [contracts[0], contracts[1], missions[0], contracts[2], missions[1]]
        lines = [{"type": spec_for(p).type, "payload": json.loads(p.model_dump_json())} for p in payloads]
        source = tmp_path / "contrats.jsonl"
        source.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
        sent_log = tmp_path / "sent.jsonl"
        publish = ["publish", str(source), "--partner", "bpifrance", "--bootstrap", platform_stack.bootstrap_servers]
        if user := os.environ.get("KAFKA_SASL_USERNAME"):  # a secure session
            publish += ["--username", user, "--password", os.environ["KAFKA_SASL_PASSWORD"]]
        runner = CliRunner()
        sent = await asyncio.to_thread(runner.invoke, cli.app, [*publish, "--sent-log", str(sent_log)])
        assert sent.exit_code == 0, sent.output
        entries = [json.loads(line) for line in sent_log.read_text(encoding="utf-8").splitlines()]
        assert len(entries) == 5 and all(e["hash"] and e["service"] == "vte" for e in entries)

        seqs = await linked(app.state.runtime.pool, {e["id"] for e in entries})
        for key in references[:2]:  # each key's events linked in send order
            same_key = [seqs[e["id"]] for e in entries if e["key"] == key]
            assert len(same_key) == 2 and same_key == sorted(same_key)

        async def verify() -> tuple[int, str]:
            links_file = tmp_path / "links.json"
            links_file.write_text(json.dumps(await every_link(client, PARTNER_TOKEN)), encoding="utf-8")
            args = ["verify", "--partner", "bpifrance", "--sent-log", str(sent_log), "--links", f"vte={links_file}"]
            result = await asyncio.to_thread(runner.invoke, cli.app, args)
            print(f"\n[tdi-partner verify]\n{result.output}")
            return result.exit_code, result.output

        code, output = await verify()
        assert code == 0, output
        assert "Vérifiés : 5 événement(s) envoyé(s)" in output and "aucun écart" in output

        # Only Bpifrance's token and national staff read Bpifrance's chain.
        refused = await client.get(
            "/partners/bpifrance/chain", headers={"Authorization": f"Bearer {OTHER_PARTNER_TOKEN}"}
        )
        assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
        assert len(await every_link(client, STAFF_TOKEN)) == len(await every_link(client, PARTNER_TOKEN))

        altered = entries[2]
        forged = event_hash(altered["source"], altered["id"], altered["type"], b'{"amount_cents": 1}')
        await app.state.runtime.pool.execute(
            "UPDATE partner_chain SET event_hash = $1 WHERE partner = 'bpifrance' AND event_id = $2",
            forged,
            altered["id"],
        )
        dropped = {**entries[0], "id": str(uuid.uuid4()), "line": 99}  # sent, acknowledged, never accepted
        with sent_log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(dropped) + "\n")

        code, output = await verify()
        assert code == 1, output
        seq = seqs[altered["id"]]
        assert f"le lien n° {seq} (événement {altered['id']}) ne suit pas le précédent" in output
        assert f"Modifié : l'événement {altered['id']}" in output
        assert f"Manquant : l'événement {dropped['id']}" in output
