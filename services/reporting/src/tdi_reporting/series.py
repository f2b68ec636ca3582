"""Monthly series (issue 26): one figure of a zone at the end of each month, as the platform knew it then.

`GET /api/series/{read_model}?level=&zone=&measure=&from=YYYY-MM&to=YYYY-MM`. A month's point is the figure at
the last tick committed by the month's end (Paris time): read from that tick's snapshot (`snapshots.py`) when
there is one (`source: instantane`), else computed from the versioned facts (`source: historique`). A month not
ended yet is `provisoire`. The same visibility rules as live reads apply (`visibility.py`): another programme's
VTE is refused, an instructor's funding figures are its programme's, a reader's undecided amounts are null, and a
regional caller's series are of zones in its region.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Departement, Region
from tdi_reporting.asof import PARIS
from tdi_reporting.domain import NATIONAL_CODE, Level, departement_label, region_label
from tdi_reporting.readmodels import READ_MODELS
from tdi_reporting.snapshots import SERIES_MODELS, compute, month_ends
from tdi_reporting.store import load_territories
from tdi_reporting.visibility import narrowed, require_model, shown_row
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

MAX_MONTHS = 120
_MONTH = re.compile(r"(\d{4})-(\d{2})")
UNKNOWN_SERIES = "Il n'y a pas de série mensuelle pour « {} » ; séries disponibles : {}."


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_REQUEST, message, field=field)


def parse_month(text: str, field: str) -> date:
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
        raise _invalid(f"Le mois « {text[:20]} » n'est pas lisible : AAAA-MM est attendu (par exemple 2024-03).", field)
    return date(int(found.group(1)), int(found.group(2)), 1)


async def series(
    pool: asyncpg.Pool,
    name: str,
    level: Level,
    zone: str | None,
    measure: str,
    first: str | None,
    last: str | None,
    access: Caller,
) -> dict[str, Any]:
    if name not in SERIES_MODELS:
        raise DomainError(ErrorCode.NOT_FOUND, UNKNOWN_SERIES.format(name[:40], ", ".join(SERIES_MODELS)))
    require_model(access, name)
    if measure not in {m.name for m in READ_MODELS[name].measures}:
        known = ", ".join(m.name for m in READ_MODELS[name].measures)
        raise _invalid(f"« {measure[:60]} » n'est pas une mesure de « {name} » ; mesures : {known}.", "measure")
    async with pool.acquire() as conn:
        code, label = await zone_of(conn, level, zone, access)
        span = await _months(conn, first, last)
        points = await _points(conn, name, level, code, measure, span, access)
    return {
        "read_model": name,
        "level": level.value,
        "zone": code,
        "libelle_zone": label,
        "measure": measure,
        "columns": ["mois", "valeur", "tick", "instant", "jusqu_a", "source", "provisoire"],
        "points": points,
    }


async def zone_of(conn: Any, level: Level, zone: str | None, access: Caller) -> tuple[str, str]:
    """The zone's code and French name; a regional caller only reaches zones of its region, a territory caller its
    own territory only (issue 24: 403 OUT_OF_TERRITORY for a wider zone or another territory)."""
    if level is not Level.TERRITORY:
        access.require_territory(())  # a territory caller: never a zone wider than its territory
    if level is Level.NATIONAL:
        access.require_region([])  # a regional caller sees its region, never the national figure
        return NATIONAL_CODE, "France"
    if not zone:
        raise _invalid(f"Une zone (paramètre zone) est attendue au niveau « {level.value} ».", "zone")
    if level is Level.REGION:
        if zone not in {r.value for r in Region}:
            raise _invalid(f"La région « {zone[:20]} » n'existe pas (code INSEE attendu, par exemple 44).", "zone")
        access.require_region(zone)
        return zone, region_label(zone)
    if level is Level.DEPARTEMENT:
        if zone not in {d.value for d in Departement}:
            raise _invalid(f"Le département « {zone[:20]} » n'existe pas (code INSEE attendu, par exemple 51).", "zone")
        access.require_region(Departement(zone).region.value)
        return zone, departement_label(zone)
    territory = (await load_territories(conn)).resolve(zone)
    if territory is None:
        raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="zone", value=zone[:60])
    access.require_region(territory.regions)
    access.require_territory((territory.territory_id, territory.official_id))
    return territory.territory_id, territory.name


async def _months(conn: Any, first: str | None, last: str | None) -> list[tuple[str, datetime]]:
    today = datetime.now(PARIS).date()
    start = parse_month(first, "from") if first else None
    end = parse_month(last, "to") if last else today
    if start is None:
        known = await conn.fetchval("SELECT min(at) FROM ticks WHERE at IS NOT NULL")
        start = (known.astimezone(PARIS).date() if known else today).replace(day=1)
    if end < start:
        raise _invalid("Le mois de fin (to) précède le mois de début (from).", "to")
    months = month_ends(start, end)
    if len(months) > MAX_MONTHS:
        raise _invalid(f"Une série compte au plus {MAX_MONTHS} mois.", "from")
    return months


async def _points(
    conn: Any, name: str, level: Level, zone: str, measure: str, months: list[tuple[str, datetime]], access: Caller
) -> list[dict[str, Any]]:
    ends = [end for _, end in months]
    ticks = await conn.fetch(
        "SELECT e.i, t.tick, t.at FROM unnest($1::timestamptz[]) WITH ORDINALITY AS e(instant, i)"
        " LEFT JOIN LATERAL (SELECT tick, at FROM ticks WHERE at <= e.instant ORDER BY at DESC, tick DESC LIMIT 1) t"
        " ON true ORDER BY e.i",
        ends,
    )
    wanted = sorted({r["tick"] for r in ticks if r["tick"]})
    stored = {
        r["tick"]: r["found"]
        for r in await conn.fetch(
            "SELECT tick, jsonb_path_query_array(rows, '$[*] ? (@.code_zone == $z)', jsonb_build_object('z', $4::text))"
            " AS found FROM figure_snapshots WHERE read_model = $1 AND level = $2 AND tick = ANY($3::bigint[])",
            name,
            level.value,
            wanted,
            zone,
        )
    }
    now = datetime.now(UTC)
    points = []
    for (month, end), row in zip(months, ticks, strict=True):
        tick = row["tick"] or 0
        if tick == 0:
            rows, source = [], "historique"
        elif tick in stored:
            rows, source = json.loads(stored[tick]), "instantane"
        else:
            rows, source = await _computed(conn, tick, name, level, zone), "historique"
        points.append(
            {
                "mois": month,
                "valeur": _value(rows, name, measure, access),
                "tick": tick,
                "instant": row["at"].isoformat() if row["at"] else None,
                "jusqu_a": end.astimezone(UTC).isoformat(),
                "source": source,
                "provisoire": end > now,
            }
        )
    return points


async def _computed(conn: Any, tick: int, name: str, level: Level, zone: str) -> list[dict[str, Any]]:
    async with conn.transaction(isolation="repeatable_read"):
        found = await compute(conn, tick)
    return [r for r in found[f"{name}/{level.value}"] if r["code_zone"] == zone]


def _value(rows: list[dict[str, Any]], name: str, measure: str, access: Caller) -> Any:
    """The measure over the zone's rows the caller may count (an instructor: its programme's), or null where the
    caller may not see it."""
    counted = narrowed(rows, name, access)
    total = {measure: sum(r.get(measure) or 0 for r in counted)}
    return shown_row(total, name, access)[measure]
