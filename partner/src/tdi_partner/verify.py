"""Check the platform's published chain against the partner's own sent log: nothing dropped, changed or reordered.

The platform keeps, per owning service, a chain of the partner's accepted events (`tdi_contracts.chain`). Verify:
  - every link follows from the previous one (hashes recomputed): the first that does not is named;
  - every sent event is in its service's chain (else *missing*: refused or lost, `follow` tells which), with the
    hash of what was sent (else *changed*);
  - per Kafka key, the chain keeps the send order (else *reordered*). Events of one key go to one partition and are
    consumed in order; events of different keys may be accepted in any order: no order is promised across keys.
Links the sent log does not name (events sent from another log or machine) are counted, not reported.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tdi_contracts.chain import Link, first_break


@dataclass(frozen=True)
class Finding:
    kind: str
    """`chain-broken`, `missing`, `changed` or `reordered`."""
    service: str
    event_id: str
    seq: int | None
    message: str
    """One French sentence for the partner."""


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    links: dict[str, int] = field(default_factory=dict)
    unmatched_links: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": not self.findings,
            "checked": self.checked,
            "links": self.links,
            "unmatched_links": self.unmatched_links,
            "findings": [asdict(f) for f in self.findings],
            "notes": self.notes,
        }


def _where(entry: Mapping[str, Any]) -> str:
    return f"ligne {entry.get('line', '?')} de {entry.get('file', '?')}"


def verify(sent: Sequence[Mapping[str, Any]], chains: Mapping[str, Sequence[Link]]) -> Report:
    """The findings of a sent log (entries in send order) against the chains of the services given."""
    report = Report(links={s: len(c) for s, c in chains.items()})
    for service, links in chains.items():
        broken = first_break(links)
        if broken is not None:
            report.findings.append(
                Finding(
                    "chain-broken",
                    service,
                    broken.event_id,
                    broken.seq,
                    f"Chaîne {service} : le lien n° {broken.seq} (événement {broken.event_id}) ne suit pas le"
                    f" précédent : {broken.reason}.",
                )
            )
    by_id = {s: {(link.source, link.event_id): link for link in c} for s, c in chains.items()}
    matched: dict[str, set[int]] = {s: set() for s in chains}
    last_of_key: dict[tuple[str, str | None], tuple[str, int]] = {}
    for entry in sent:
        service, event_id = str(entry.get("service", "")), str(entry["id"])
        if "hash" not in entry:
            report.notes.append(f"{event_id} ({_where(entry)}) : entrée sans empreinte, non vérifiée.")
            continue
        if service not in chains:
            report.notes.append(f"{event_id} : pas de chaîne fournie pour le service « {service} », non vérifié.")
            continue
        report.checked += 1
        link = by_id[service].get((str(entry.get("source", "")), event_id))
        if link is None:
            message = (
                f"Manquant : l'événement {event_id} ({_where(entry)}) n'est pas dans la chaîne {service}"
                " (refusé ou perdu : voir tdi-partner follow)."
            )
            report.findings.append(Finding("missing", service, event_id, None, message))
            continue
        matched[service].add(link.seq)
        if link.event_hash != entry["hash"]:
            message = (
                f"Modifié : l'événement {event_id} ({_where(entry)}), lien n° {link.seq} de la chaîne {service},"
                " n'a pas l'empreinte de ce qui a été envoyé."
            )
            report.findings.append(Finding("changed", service, event_id, link.seq, message))
        key = (service, entry.get("key"))
        before = last_of_key.get(key)
        if before is not None and link.seq < before[1]:
            message = (
                f"Réordonné : clé {entry.get('key')}, l'événement {event_id} envoyé après {before[0]} est lié avant lui"
                f" (lien n° {link.seq} < n° {before[1]}, chaîne {service})."
            )
            report.findings.append(Finding("reordered", service, event_id, link.seq, message))
        else:
            last_of_key[key] = (event_id, link.seq)
    report.unmatched_links = {s: len(c) - len(matched[s]) for s, c in chains.items()}
    return report


def read_links(path: Path) -> list[Link]:
    """Links from a file: a JSON list of links, a page of the chain route (`{"links": [...]}`), or JSON lines."""
    text = path.read_text(encoding="utf-8")
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError:
        document = [json.loads(line) for line in text.splitlines() if line.strip()]
    items = document["links"] if isinstance(document, dict) else document
    return sorted((Link.of(item) for item in items), key=lambda link: link.seq)


def fetch_links(
    base_url: str, partner: str, token: str | None, page: int = 1000, timeout_s: float = 30.0
) -> list[Link]:
    """Every link of the partner's chain at a service (`GET <base_url>/partners/<partner>/chain`, page by page)."""
    links: list[Link] = []
    after: int | None = 0
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"adresse http(s) attendue : {base_url}")
    while after is not None:
        query = urllib.parse.urlencode({"after": after, "limit": page})
        url = f"{base_url.rstrip('/')}/partners/{urllib.parse.quote(partner)}/chain?{query}"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http(s) only, checked above)
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # noqa: S310
            document = json.loads(answer.read())
        links += [Link.of(item) for item in document["links"]]
        after = document.get("next_after")
    return links
