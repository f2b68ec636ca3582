"""`tdi-partner`: validate and publish commands as a partner operator, then follow the platform's answers.

    tdi-partner types --partner bpifrance
    tdi-partner publish contrats.csv --partner bpifrance --type fr.territoires-industrie.vte.RecordVteContract.v1
    tdi-partner follow --partner bpifrance

Credentials: --bootstrap / TDI_PARTNER_BOOTSTRAP_SERVERS, and on a secured broker --username / --password
(TDI_PARTNER_USERNAME / TDI_PARTNER_PASSWORD, SASL/SCRAM-SHA-512); over TLS --ca-file (TDI_PARTNER_CA_FILE, the CA
of the broker's certificate) or --security-protocol SASL_SSL (TDI_PARTNER_SECURITY_PROTOCOL).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Column, Table

from tdi_contracts.base import SPECS
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_feedback_topic, partner_ingress_topic
from tdi_partner import client, sent_log
from tdi_partner.commands import Command, command_types, read_commands
from tdi_partner.terminal import console_for

app = typer.Typer(
    help="Publish commands to the Territoires d'industrie platform and follow the answers.",
    epilog="Examples: partner/examples/*.jsonl; walkthrough in partner/README.md; contract in contracts/README.md.",
)
PARTNER = typer.Option(..., "--partner", "-p", envvar="TDI_PARTNER", help="Your partner slug, e.g. bpifrance")
BOOTSTRAP = typer.Option(
    "127.0.0.1:9092", "--bootstrap", envvar=["TDI_PARTNER_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"]
)
USERNAME = typer.Option(None, "--username", envvar="TDI_PARTNER_USERNAME", help="SASL/SCRAM user")
PASSWORD = typer.Option(None, "--password", envvar="TDI_PARTNER_PASSWORD", help="SASL/SCRAM password")
CA_FILE = typer.Option(
    None, "--ca-file", envvar="TDI_PARTNER_CA_FILE", help="CA (PEM) of the broker's certificate: connect over TLS"
)


class Protocol(StrEnum):
    PLAINTEXT = "PLAINTEXT"
    SSL = "SSL"
    SASL_PLAINTEXT = "SASL_PLAINTEXT"
    SASL_SSL = "SASL_SSL"


PROTOCOL = typer.Option(
    None,
    "--security-protocol",
    envvar="TDI_PARTNER_SECURITY_PROTOCOL",
    help="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (default: SASL_ with a user, _SSL with a CA file)",
)
SENT_LOG = typer.Option(Path("tdi-partner-sent.jsonl"), "--sent-log", help="Where sent event ids are recorded")


@app.command()
def types(partner: Partner = PARTNER) -> None:
    """The commands you may publish, under the topic each goes to (a type name is never cut, at any width)."""
    console = console_for()
    by_topic: dict[str, list[str]] = {}
    for type_ in command_types(partner):
        by_topic.setdefault(partner_ingress_topic(partner, SPECS[type_].service), []).append(type_)
    console.print(f"Commandes de {partner.label}, par flux Kafka :", style="bold", markup=False)
    for topic, names in sorted(by_topic.items()):
        console.print(f"  {topic}", markup=False)
        for name in names:  # one per line, whole: v1 and v2 of a command must stay apart
            console.print(f"    {name}", markup=False, highlight=False)
    if not by_topic:
        console.print("  aucune : ce partenaire n'envoie pas de commande à la plateforme.", markup=False)
    console.print(f"Réponses : {partner_feedback_topic(partner)}", markup=False)


def _show_refused(refused: list[Command]) -> None:
    console = console_for()
    columns = ("ligne", Column("type", overflow="fold"), Column("motif", overflow="fold"))
    table = Table(*columns, title=f"{len(refused)} ligne(s) refusée(s) avant envoi")
    for c in refused:
        table.add_row(str(c.line), c.type or "-", "\n".join(c.errors))
    console.print(table)


@app.command()
def publish(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".json, .jsonl or .csv (UTF-8)"),
    partner: Partner = PARTNER,
    type_: str | None = typer.Option(None, "--type", "-t", help="Command type of a CSV file or of bare payloads"),
    bootstrap: str = BOOTSTRAP,
    username: str | None = USERNAME,
    password: str | None = PASSWORD,
    ca_file: str | None = CA_FILE,
    security_protocol: Protocol | None = PROTOCOL,
    sent: Path = SENT_LOG,
    skip_invalid: bool = typer.Option(False, help="Send the valid lines even when others are refused"),
    dry_run: bool = typer.Option(False, help="Validate only, send nothing"),
) -> None:
    """Validate every command of FILE against the contracts, then send them (nothing is sent if one is refused)."""
    console = console_for()
    commands = read_commands(partner, file, type_)
    refused = [c for c in commands if not c.valid]
    if refused:
        _show_refused(refused)
        if not skip_invalid or dry_run:
            raise typer.Exit(1)
    valid = [c for c in commands if c.valid]
    console.print(f"{len(valid)} commande(s) valide(s) sur {len(commands)}.")
    if dry_run or not valid:
        return
    acknowledged: list[Command] = []
    in_order: list[tuple[Command, client.Sent]] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Envoi", total=len(valid))

        def on_sent(command: Command) -> None:
            acknowledged.append(command)
            progress.advance(task)

        credentials = client.Credentials(bootstrap, username, password, security_protocol, ca_file)
        asyncio.run(client.publish(partner, credentials, valid, on_sent, in_order))
    sent_log.append(sent, file, [c for c, _ in in_order], {c.event_id: s for c, s in in_order})
    console.print(f"{len(acknowledged)} commande(s) envoyée(s) ; suivi : tdi-partner follow --partner {partner.value}")


@app.command()
def follow(
    partner: Partner = PARTNER,
    bootstrap: str = BOOTSTRAP,
    username: str | None = USERNAME,
    password: str | None = PASSWORD,
    ca_file: str | None = CA_FILE,
    security_protocol: Protocol | None = PROTOCOL,
    sent: Path = SENT_LOG,
    timeout: float = typer.Option(30.0, help="Seconds to wait for answers still missing"),
) -> None:
    """Summarise the answers to what was sent: accepted, rejected (with reasons), missing.

    Exit status: 0 all accepted, 1 some rejected, 2 some still without an answer.
    """
    console = console_for()
    expected = sent_log.read(sent)
    credentials = client.Credentials(bootstrap, username, password, security_protocol, ca_file)
    found = asyncio.run(client.answers(partner, credentials, set(expected), timeout))
    rejected = [a for a in found.values() if not a.accepted]
    missing = sorted(set(expected) - found.keys())
    accepted = len(found) - len(rejected)
    console.print(f"Acceptées : {accepted}   Refusées : {len(rejected)}   Sans réponse : {len(missing)}")
    created = [a for a in found.values() if a.accepted and a.resulting_ids]
    if created:  # the platform ids to quote in later commands (e.g. the application_id of a CommitGrant)
        console.print("Identifiants créés (à reprendre dans les commandes suivantes) :")
        for a in created:
            where = f"{expected[a.event_id].get('file', '')}, ligne {expected[a.event_id].get('line', '')}"
            console.print(f"  {where} : {' '.join(a.resulting_ids)}", soft_wrap=True, highlight=False)
    if rejected:
        table = Table("ligne", Column("code", overflow="fold"), Column("motif", overflow="fold"), title="Refus")
        for a in rejected:
            table.add_row(str(expected[a.event_id].get("line", "")), a.code or "", a.reason or "")
        console.print(table)
        for code, count in Counter(a.code for a in rejected).most_common():
            console.print(f"  {code}: {count}")
    for event_id in missing[:20]:
        console.print(f"  sans réponse : {event_id} (ligne {expected[event_id].get('line')})")
    raise typer.Exit(2 if missing else 1 if rejected else 0)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        service, sep, where = value.partition("=")
        if not sep or not service or not where:
            typer.echo(f"{option} attend service=valeur (ex. vte=http://…), reçu : {value}", err=True)
            raise typer.Exit(3)
        pairs[service] = where
    return pairs


@app.command()
def verify(
    partner: Partner = PARTNER,
    sent: Path = SENT_LOG,
    service: list[str] = typer.Option(
        [], "--service", "-s", help="service=URL of a service's HTTP API, e.g. vte=https://vte.example (repeatable)"
    ),
    links: list[str] = typer.Option([], "--links", help="service=FILE of links already fetched (repeatable)"),
    token: str | None = typer.Option(
        None, "--token", envvar="TDI_PARTNER_CHAIN_TOKEN", help="Your bearer token for the chain route"
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON document instead of French lines"),
) -> None:
    """Check the platform's chain of your accepted events against your sent log: nothing dropped, changed or
    reordered (per key), and every link follows from the one before.

    Exit status: 0 nothing found, 1 a finding, 3 the chain or the log could not be read.
    """
    from tdi_partner.verify import fetch_links, read_links
    from tdi_partner.verify import verify as check

    if not sent.exists():
        typer.echo(f"Journal d'envoi introuvable : {sent}", err=True)
        raise typer.Exit(3)
    chains = {}
    try:
        for name, path in _pairs(links, "--links").items():
            chains[name] = read_links(Path(path))
        for name, url in _pairs(service, "--service").items():
            chains[name] = fetch_links(url, partner.value, token)
    except (OSError, ValueError, KeyError) as error:
        typer.echo(f"Chaîne illisible : {type(error).__name__}: {error}", err=True)
        raise typer.Exit(3) from None
    if not chains:
        typer.echo("Donnez au moins une chaîne : --service vte=URL ou --links vte=FICHIER.", err=True)
        raise typer.Exit(3)
    report = check(sent_log.in_send_order(sent), chains)
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            typer.echo(finding.message)
        for note in report.notes:
            typer.echo(f"Note : {note}")
        counts = ", ".join(f"{s} : {n} lien(s)" for s, n in report.links.items())
        verdict = "aucun écart" if not report.findings else f"{len(report.findings)} écart(s)"
        typer.echo(f"Vérifiés : {report.checked} événement(s) envoyé(s) ; chaînes {counts} ; {verdict}.")
    raise typer.Exit(1 if report.findings else 0)
