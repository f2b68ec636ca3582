"""`tdi-partner verify` on a sent log and a links file: dropped, changed and reordered events are each named."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tdi_contracts.chain import GENESIS, Link, event_hash, next_links
from tdi_partner import cli
from tdi_partner.verify import verify

SOURCE = "/partners/bpifrance"


def sent(event_id: str, key: str, value: bytes = b"{}") -> dict:
    hashed = event_hash(SOURCE, event_id, "fr.t.Cmd.v1", value)
    return {"id": event_id, "type": "fr.t.Cmd.v1", "service": "vte", "source": SOURCE, "key": key, "hash": hashed,
            "file": "contrats.jsonl", "line": 1}  # fmt: skip


def links_of(entries: list[dict]) -> list[Link]:
    hashed = [(e["id"], e["hash"]) for e in entries]
    return [
        Link(seq, e["id"], e["hash"], prev, link, SOURCE)
        for e, (seq, prev, link) in zip(entries, next_links(0, GENESIS, hashed), strict=True)
    ]


def test_a_chain_holding_every_sent_event_in_order_has_no_finding():
    log = [sent("a1", "k1"), sent("b1", "k2"), sent("a2", "k1")]
    report = verify(log, {"vte": links_of(log)})
    assert report.findings == [] and report.checked == 3


def test_across_keys_another_order_is_no_finding_but_within_a_key_it_is_reordered():
    log = [sent("a1", "k1"), sent("b1", "k2"), sent("a2", "k1")]
    across = verify(log, {"vte": links_of([log[1], log[0], log[2]])})
    assert across.findings == []
    within = verify(log, {"vte": links_of([log[2], log[1], log[0]])})
    assert [(f.kind, f.event_id) for f in within.findings] == [("reordered", "a2")]
    assert within.findings[0].message.startswith("Réordonné : clé k1")


def test_an_event_never_linked_is_missing_and_another_hash_is_changed():
    log = [sent("a1", "k1"), sent("a2", "k1"), sent("a3", "k1")]
    platform = [log[0], {**log[2], "hash": event_hash(SOURCE, "a3", "fr.t.Cmd.v1", b'{"x":1}')}]
    report = verify(log, {"vte": links_of(platform)})
    assert [(f.kind, f.event_id, f.seq) for f in report.findings] == [("missing", "a2", None), ("changed", "a3", 2)]


def test_the_cli_names_the_first_link_that_does_not_follow_and_exits_1(tmp_path):
    log = [sent("a1", "k1"), sent("a2", "k1"), sent("a3", "k1")]
    (tmp_path / "sent.jsonl").write_text("".join(json.dumps(e) + "\n" for e in log), encoding="utf-8")
    links = [
        {"seq": link.seq, "event_id": link.event_id, "event_hash": link.event_hash, "prev_hash": link.prev_hash,
         "link_hash": link.link_hash, "source": link.source}
        for link in links_of(log)
    ]  # fmt: skip
    links[1]["event_hash"] = event_hash(SOURCE, "a2", "fr.t.Cmd.v1", b"altered")  # altered by hand in the database
    (tmp_path / "links.json").write_text(json.dumps({"links": links}), encoding="utf-8")
    common = ["verify", "--partner", "bpifrance", "--sent-log", str(tmp_path / "sent.jsonl")]
    result = CliRunner().invoke(cli.app, [*common, "--links", f"vte={tmp_path / 'links.json'}"])
    assert result.exit_code == 1, result.output
    assert "Chaîne vte : le lien n° 2 (événement a2) ne suit pas le précédent" in result.output
    assert "Modifié : l'événement a2" in result.output
    as_json = CliRunner().invoke(cli.app, [*common, "--links", f"vte={tmp_path / 'links.json'}", "--json"])
    document = json.loads(as_json.output)
    assert not document["ok"] and {(f["kind"], f["seq"]) for f in document["findings"]} == {
        ("chain-broken", 2),
        ("changed", 2),
    }
