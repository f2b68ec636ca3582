"""What the territory service's reference events would have left in funding's and vte's projections."""

from __future__ import annotations

from typing import Any


async def know_territory(
    funding: Any, vte: Any, territory: str, commune: str, *, official_id: str | None = None, name: str = "Territoire"
) -> None:
    """A labelled territory of region 44 (two EPCI of the Marne) in both projections, and one commune in vte's."""
    row = (
        "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
        " epci_sirens, active_binomes, chefs_de_projet, revision, as_of) VALUES"
        " ($1, $2, $3, true, '{44}', '{51}', '{200067213,200066793}', 1, '{}', 1, now())"
    )
    for pool in (funding, vte):
        await pool.execute(row, territory, official_id, name)
    await vte.execute(
        "INSERT INTO known_communes (insee, territory_id, epci_siren, departement, assigned_on)"
        " VALUES ($1, $2, '200067213', '51', current_date)",
        commune,
        territory,
    )
