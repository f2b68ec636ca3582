"""Open-data loader: communes and EPCI per territory (CSV), matched to the reference list by name."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TextIO

from tdi_runtime.errors import DomainError
from tdi_territory.domain import Territory
from tdi_territory.perimeter.domain import Epci, EpciMemberships
from tdi_territory.reference.catalogue import ANNOUNCED_TOTAL, ReferenceTerritory
from tdi_territory.reference.names import normalise_name
from tdi_territory.reference.nature_juridique import NatureJuridique
from tdi_territory.reference.open_data_rows import (
    Checks,
    OpenDataFileError,
    RowProblem,
    check_commune_code,
    check_name,
    check_nature_juridique,
    check_official_id,
    check_row,
    check_siren,
    read_rows,
)

__all__ = ["Commune", "OpenDataFileError", "OpenDataResult", "RejectedRow", "load_open_data"]

COMMUNE_COLUMNS = ("insee_com", "lib_com", "id_ti", "lib_ti")
EPCI_COLUMNS = ("id_ti", "siren_groupement", "lib_groupement", "nature_juridique")


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str


@dataclass(frozen=True)
class RejectedRow:
    """One refused row: its file, its line (the header is line 1), a stable code and a French sentence."""

    file: str
    line: int
    code: str
    message: str


@dataclass
class OpenDataResult:
    """Official id, communes and EPCI per reference territory id, and the refused rows."""

    official_ids: dict[str, str] = field(default_factory=dict)
    communes: dict[str, list[Commune]] = field(default_factory=dict)
    epcis: dict[str, list[Epci]] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)

    def with_official_ids(self, reference: Iterable[ReferenceTerritory]) -> list[ReferenceTerritory]:
        return [replace(t, official_id=self.official_ids.get(t.id, t.official_id)) for t in reference]


def load_open_data(communes_csv: TextIO, epci_csv: TextIO, reference: Sequence[ReferenceTerritory]) -> OpenDataResult:
    """Validate both files row by row: every row is either used or rejected with a reason."""
    result = OpenDataResult()
    by_name = {normalise_name(t.name): t for t in reference}
    seen_communes: set[str] = set()
    commune_checks: Checks = {"id_ti": check_official_id, "insee_com": check_commune_code, "lib_com": check_name}
    for line, row in read_rows(communes_csv, COMMUNE_COLUMNS):
        problem = check_row(row, commune_checks)
        if problem is None and row["insee_com"] in seen_communes:
            problem = RowProblem("DUPLICATE_COMMUNE", f"La commune {row['insee_com']} est déjà rattachée.")
        problem = problem or _match(result, by_name, row)
        if problem is None:
            seen_communes.add(row["insee_com"])
            territory_id = next(i for i, o in result.official_ids.items() if o == row["id_ti"])
            result.communes.setdefault(territory_id, []).append(Commune(row["insee_com"], row["lib_com"]))
        else:
            result.rejected.append(RejectedRow("communes", line, problem.code, problem.message))
    territory_of = {official: ref for ref, official in result.official_ids.items()}
    names = {t.id: t.name for t in reference}
    memberships = EpciMemberships({i: Territory(i, names[i], (), (), False) for i in territory_of.values()})
    epci_checks: Checks = {
        "id_ti": check_official_id,
        "siren_groupement": check_siren,
        "lib_groupement": check_name,
        "nature_juridique": check_nature_juridique,
    }
    for line, row in read_rows(epci_csv, EPCI_COLUMNS):
        problem = check_row(row, epci_checks)
        if problem is None and row["id_ti"] not in territory_of:
            message = f"L'identifiant {row['id_ti']} n'a aucun territoire dans le fichier des communes."
            problem = RowProblem("UNKNOWN_TERRITORY_ID", message)
        if problem is None:
            nature = NatureJuridique(row["nature_juridique"])
            epci = Epci(row["siren_groupement"], row["lib_groupement"], nature)
            try:
                memberships.join(territory_of[row["id_ti"]], epci)
                result.epcis.setdefault(territory_of[row["id_ti"]], []).append(epci)
            except DomainError as error:
                problem = RowProblem(error.code, error.message)
        if problem is not None:
            result.rejected.append(RejectedRow("epci", line, problem.code, problem.message))
    return result


def _match(result: OpenDataResult, by_name: dict[str, ReferenceTerritory], row: dict[str, str]) -> RowProblem | None:
    official, label = row["id_ti"], row["lib_ti"]
    territory = by_name.get(normalise_name(label))
    if territory is None:
        message = (
            f"Le territoire « {label} » ({official}) ne figure pas dans la liste "
            f"des {ANNOUNCED_TOTAL} Territoires d'industrie."
        )
        return RowProblem("UNKNOWN_TERRITORY", message)
    bound = result.official_ids.get(territory.id)
    holder = next((i for i, o in result.official_ids.items() if o == official), None)
    if (bound is not None and bound != official) or (holder is not None and holder != territory.id):
        message = f"Le territoire « {label} » ({official}) contredit un identifiant déjà rattaché."
        return RowProblem("CONFLICTING_TERRITORY_ID", message)
    result.official_ids[territory.id] = official
    return None
