"""The lineage of a figure (issue 26): which events make it.

A figure is (read model, level, zone, measure, dimension values) at a tick. Its facts are those the aggregation
counts in it (the zone's territories, the dimensions, a non-zero contribution to the measure: `domain.aggregate`'s
own rules), each naming its row (`facts._cle`); its events are those of `event_log` that wrote one of those rows,
or a row belonging to one that feeds the measure (`MEASURE_LINKS`: a grant's releases for the committed amount, its
payments for the paid one), or the territory map's revisions of their territories, up to the tick. So the lineage,
folded again into empty tables (`refold_figure`: the same folds, temporary tables), gives the figure.

A lineage has a stable reference, `L-` and 20 base32 characters of the SHA-256 of the figure and tick it describes
(`lineage_refs` keeps what each stands for), printed beside the figure in the dashboard, the PDF and the XLSX.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from tdi_contracts.errors import ErrorCode
from tdi_reporting import views
from tdi_reporting.asof import AsOf, AsOfConnection, Situation, live_situation, overlay, situation_at
from tdi_reporting.domain import Filters, Level, Measure, TerritoryMap, aggregate
from tdi_reporting.folding import replay
from tdi_reporting.geography import zones
from tdi_reporting.handlers import registry_for
from tdi_reporting.history import LOG_COLUMNS
from tdi_reporting.readmodels import ENVELOPE_COLUMNS, LABELS, READ_MODELS
from tdi_reporting.series import zone_of
from tdi_reporting.store import Scope, load_snapshot, load_territories, tables_of
from tdi_reporting.visibility import require_model, shown_row
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

ENVELOPES = "enveloppes"
ENVELOPE_MEASURES = tuple(c for c in ENVELOPE_COLUMNS if c.endswith(("_centimes", "_pct")))
MEASURE_LINKS: dict[str, dict[str, tuple[str, ...]]] = {
    "financements": {"engage_centimes": ("rm_grant_release",), "verse_centimes": ("rm_payment",)},
    "vte": {
        **dict.fromkeys(
            ("aides_versees", "aide_base_centimes", "aide_verte_centimes", "aide_totale_centimes"), ("rm_vte_payment",)
        ),
        "aide_demandee_centimes": ("rm_vte_payment_request",),
        **dict.fromkeys(("aides_logement", "aide_logement_centimes"), ("rm_vte_housing_aid",)),
    },
    "territoires": {"binomes_synthetiques": ("rm_binome",)},
}
"""Rows belonging to a fact that feed a measure besides the fact's own row (read model -> measure -> tables)."""
EVENT_COLUMNS = [
    "seq", "tick", "type", "producer", "source", "time", "id", "subject", "payload_sha256", "topic", "partition",
    "offset",
]  # fmt: skip
MAX_LIMIT = 10_000
"""Events per page of `GET /api/lineage`."""
MAX_EXPORT = 200_000
EVERYTHING = Caller("reporting-lineage", "national")


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_REQUEST, message, field=field)


@dataclass(frozen=True)
class FigureQuery:
    """One figure: a read model's measure in one zone of a level, for some values of its dimensions."""

    read_model: str
    level: Level
    zone: str
    measure: str
    dims: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of(read_model: str, level: Level, zone: str | None, measure: str, dims: Mapping[str, str]) -> FigureQuery:
        if read_model == ENVELOPES:
            if measure not in ENVELOPE_MEASURES:
                raise _invalid(f"« {measure[:60]} » n'est pas un montant des enveloppes.", "measure")
            if not zone:
                raise _invalid("Le code de l'enveloppe (paramètre zone) est attendu.", "zone")
            return FigureQuery(read_model, Level.NATIONAL, zone, measure)
        model = READ_MODELS.get(read_model)
        if model is None:
            names = ", ".join((*READ_MODELS, ENVELOPES))
            detail = f"Le jeu de données « {read_model[:40]} » n'a pas de lignage ; jeux : {names}."
            raise DomainError(ErrorCode.NOT_FOUND, detail)
        if measure not in {m.name for m in model.measures}:
            raise _invalid(f"« {measure[:60]} » n'est pas une mesure de « {read_model} ».", "measure")
        for dim, value in dims.items():
            if value not in LABELS.get(dim, {}):
                raise _invalid(f"« {value[:40]} » n'est pas une valeur de la dimension « {dim} ».", dim)
        if level is not Level.NATIONAL and not zone:
            raise _invalid(f"Une zone (paramètre zone) est attendue au niveau « {level.value} ».", "zone")
        return FigureQuery(read_model, level, zone or "FR", measure, tuple(sorted(dims.items())))

    def as_json(self) -> dict[str, Any]:
        return {
            "read_model": self.read_model,
            "level": self.level.value,
            "zone": self.zone,
            "measure": self.measure,
            "dimensions": dict(self.dims),
        }

    @staticmethod
    def of_json(doc: Mapping[str, Any]) -> FigureQuery:
        dims = tuple(sorted((doc.get("dimensions") or {}).items()))
        return FigureQuery(doc["read_model"], Level(doc["level"]), doc["zone"], doc["measure"], dims)

    def reference(self, tick: int) -> str:
        canonical = json.dumps({**self.as_json(), "tick": tick}, sort_keys=True, separators=(",", ":"))
        digest = base64.b32encode(hashlib.sha256(canonical.encode()).digest()).decode()
        return f"L-{digest[:20]}"

    @property
    def filters(self) -> Filters:
        return {
            Level.REGION: Filters(region=self.zone),
            Level.DEPARTEMENT: Filters(departement=self.zone),
            Level.TERRITORY: Filters(territory=self.zone),
        }.get(self.level, Filters())


def _contributes(measure: Measure, fact: Mapping[str, Any]) -> bool:
    if measure.kind == "count":
        return measure.field is None or bool(fact.get(measure.field))
    return bool(fact.get(measure.field or ""))


async def figure_and_facts(conn: Any, query: FigureQuery, access: Caller) -> tuple[Any, list[str], TerritoryMap]:
    """The figure as `access` may see it (None: not published to it) and the facts (with the rows belonging to
    them that feed the measure, and their territories) that make it, read through `conn` (live or an overlay)."""
    tmap = await load_territories(conn)
    filters = query.filters
    if filters.territory:
        found = tmap.resolve(filters.territory)
        filters = Filters(territory=found.territory_id if found else filters.territory)
    programme = access.programme if access.role == "instructor" else None
    if query.read_model == ENVELOPES:
        return await _envelope(conn, tmap, query, access, programme)
    ids = tuple(i for t in tmap.territories if filters.admits(t) for i in (t.territory_id, t.official_id) if i)
    scope = Scope(models=frozenset({query.read_model}), territories=ids if filters.any else None, programme=programme)
    snapshot = await load_snapshot(conn, tmap, scope)
    measure = next(m for m in READ_MODELS[query.read_model].measures if m.name == query.measure)
    counted = []
    for fact in views.model_facts(snapshot, query.read_model, access):
        territory = tmap.resolve(fact.get("territory_id"))
        if not filters.admits(territory) or query.zone not in {z.code for z in zones(territory, query.level, filters)}:
            continue
        if all(fact.get(d) == v for d, v in query.dims) and _contributes(measure, fact):
            counted.append(fact)
    dims = tuple(d for d, _ in query.dims)
    rows = aggregate(counted, tmap, query.level, filters, dims, [measure])
    value = next((r[query.measure] for r in rows if r["code_zone"] == query.zone), 0)
    value = shown_row({query.measure: value}, query.read_model, access)[query.measure]
    if value is None:
        return None, [], tmap
    links = MEASURE_LINKS.get(query.read_model, {}).get(query.measure, ())
    refs: dict[str, None] = {}
    for fact in counted:
        refs[fact["_cle"]] = None
        for table in links:
            parent = fact["_cle"] if table != "rm_binome" else f"known_territories:{fact['territory_id']}"
            refs[f"{table}>{parent}"] = None
        territory = tmap.resolve(fact.get("territory_id"))
        if territory is not None:
            refs[f"known_territories:{territory.territory_id}"] = None
    return value, list(refs), tmap


async def _envelope(
    conn: Any, tmap: TerritoryMap, query: FigureQuery, access: Caller, programme: str | None
) -> tuple[Any, list[str], TerritoryMap]:
    snapshot = await load_snapshot(conn, tmap, Scope(models=frozenset({ENVELOPES}), programme=programme))
    every = views.rows(snapshot, ENVELOPES, Level.NATIONAL, Filters(), access)
    rows = [r for r in every if r["code_enveloppe"] == query.zone]
    if not rows:
        return 0, [], tmap
    envelope = query.zone
    grants = [r["grant_id"] for r in await conn.fetch("SELECT grant_id FROM rm_grant WHERE envelope_id = $1", envelope)]
    refs = [f"rm_envelope:{envelope}", f"rm_grant>rm_envelope:{envelope}", f"rm_grant_release>rm_envelope:{envelope}"]
    refs += [f"rm_payment>rm_grant:{g}" for g in grants]
    return rows[0][query.measure], refs, tmap


async def lineage(
    pool: asyncpg.Pool,
    query: FigureQuery,
    access: Caller,
    *,
    as_of: AsOf | None = None,
    tick: int | None = None,
    after: int = 0,
    limit: int = 1000,
) -> dict[str, Any]:
    """The figure, its reference and one page of its events (ordered by `seq`; `after`: the last seq seen)."""
    if not 1 <= limit <= MAX_EXPORT:
        raise _invalid(f"limit va de 1 à {MAX_EXPORT} événements.", "limit")
    require_model(access, query.read_model)
    async with pool.acquire() as conn:
        label = query.zone
        if query.read_model != ENVELOPES:
            code, label = await zone_of(conn, query.level, query.zone, access)
            query = FigureQuery(query.read_model, query.level, code, query.measure, query.dims)
        async with conn.transaction(isolation="repeatable_read"):
            situation = await _situation(conn, as_of, tick)
            reader: Any = conn
            if as_of is not None or tick is not None:
                reader = await overlay(conn, situation.tick, tables_of([query.read_model]))
            value, refs, _ = await figure_and_facts(reader, query, access)
            total = await conn.fetchval(
                "SELECT count(*) FROM event_log WHERE facts && $1::text[] AND tick <= $2", refs, situation.tick
            )
            events = await conn.fetch(
                f"SELECT {', '.join(_SELECTED)} FROM event_log WHERE facts && $1::text[] AND tick <= $2 AND seq > $3"
                " ORDER BY seq LIMIT $4",
                refs,
                situation.tick,
                after,
                limit + 1,  # one more: whether there is a next page
            )
        [reference] = await remember_references(conn, [query], situation.tick)
    page = [_event(e) for e in events[:limit]]
    more = len(events) > limit
    return {
        "reference": reference,
        **query.as_json(),
        "libelle_zone": label,
        "situation": situation.as_json(),
        "valeur": value,
        "total": total,
        "columns": EVENT_COLUMNS,
        "evenements": page,
        "suivant": page[-1]["seq"] if more else None,
    }


_SELECTED = ("seq", "tick", "type", "producer", "source", "time", "event_id", "subject", "payload_sha256", "topic",
             "partition", '"offset"')  # fmt: skip


async def _situation(conn: Any, as_of: AsOf | None, tick: int | None) -> Situation:
    if tick is not None:
        at = await conn.fetchval("SELECT at FROM ticks WHERE tick = $1", tick)
        return Situation(tick, at)
    return await situation_at(conn, as_of) if as_of is not None else await live_situation(conn)


def _event(row: Any) -> dict[str, Any]:
    return {
        "seq": row["seq"],
        "tick": row["tick"],
        "type": row["type"],
        "producer": row["producer"],
        "source": row["source"],
        "time": row["time"].isoformat(),
        "id": row["event_id"],
        "subject": row["subject"],
        "payload_sha256": bytes(row["payload_sha256"]).hex(),
        "topic": row["topic"],
        "partition": row["partition"],
        "offset": row["offset"],
    }


async def remember_references(conn: Any, queries: Sequence[FigureQuery], tick: int) -> list[str]:
    """Keep what each reference stands for (`lineage_refs`), so `GET /api/lineage/{reference}` answers it later."""
    rows = [(q.reference(tick), json.dumps(q.as_json()), tick) for q in queries]
    await conn.executemany(
        "INSERT INTO lineage_refs (reference, query, tick) VALUES ($1, $2::jsonb, $3) ON CONFLICT DO NOTHING", rows
    )
    return [r[0] for r in rows]


async def query_of_reference(pool: asyncpg.Pool, reference: str) -> tuple[FigureQuery, int]:
    row = await pool.fetchrow("SELECT query, tick FROM lineage_refs WHERE reference = $1", reference)
    if row is None:
        detail = f"Le lignage « {reference[:40]} » n'existe pas (une référence L-… est attendue)."
        raise DomainError(ErrorCode.NOT_FOUND, detail)
    return FigureQuery.of_json(json.loads(row["query"])), row["tick"]


async def refold_figure(pool: asyncpg.Pool, document: Mapping[str, Any], definition: int = 1) -> Any:
    """The lineage's events folded again into empty tables (the same folds; temporary tables, rolled back), and the
    figure computed from them alone with the same aggregation: equal to the figure when the lineage is complete."""
    query = FigureQuery.of_json(document)
    seqs = [e["seq"] for e in document["evenements"]]
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            reader: AsOfConnection = await overlay(conn, None)
            rows = await conn.fetch(f"SELECT {LOG_COLUMNS} FROM event_log WHERE seq = ANY($1) ORDER BY seq", seqs)
            await replay(reader, rows, registry_for(definition))
            value, _, _ = await figure_and_facts(reader, query, EVERYTHING)
            return value
        finally:
            await transaction.rollback()
