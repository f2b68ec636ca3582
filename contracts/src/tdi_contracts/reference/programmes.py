"""The programmes of the service offer, the financial instruments and the Fonds vert target value chains."""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints


class Programme(StrEnum):
    """A programme (funding line) of Temps II; `label` is its French name."""

    CHEF_DE_PROJET = "chef-de-projet"
    INGENIERIE_ANCT = "ingenierie-anct"
    FONDS_VERT_TI = "fonds-vert-ti"
    REBOND_INDUSTRIEL_INGENIERIE = "rebond-industriel-ingenierie"
    REBOND_INDUSTRIEL_INVESTISSEMENT = "rebond-industriel-investissement"
    SITES_CLES_EN_MAIN = "sites-cles-en-main"
    VTE = "vte"

    @property
    def label(self) -> str:
        """French name."""
        return _PROGRAMME_LABELS[self.value]


_PROGRAMME_LABELS = {
    "chef-de-projet": "Cofinancement du poste de chef de projet",
    "ingenierie-anct": "Offre d'ingénierie de l'ANCT",
    "fonds-vert-ti": "Fonds vert « Territoires d'industrie en transition écologique »",
    "rebond-industriel-ingenierie": "AMI Rebond industriel, volet ingénierie",
    "rebond-industriel-investissement": "AMI Rebond industriel, volet investissement (opéré par Bpifrance)",
    "sites-cles-en-main": "Sites clés en main France 2030",
    "vte": "Volontariat territorial en entreprise (VTE)",
}


class Instrument(StrEnum):
    """How money is given: a subsidy, a repayable advance (Rebond industriel), a loan or equity (BdT)."""

    SUBVENTION = "subvention"
    AVANCE_REMBOURSABLE = "avance-remboursable"
    PRET = "pret"
    FONDS_PROPRES = "fonds-propres"


class ValueChain(StrEnum):
    """Value chains targeted by the Fonds vert « Territoires d'industrie en transition écologique »."""

    BIOECONOMIE = "bioeconomie"
    MOBILITES_DURABLES = "mobilites-durables"
    SOUVERAINETE_ALIMENTAIRE = "souverainete-alimentaire"
    BIENS_DE_CONSOMMATION = "biens-de-consommation"
    RECYCLAGE_ECONOMIE_CIRCULAIRE = "recyclage-economie-circulaire"
    DIVERSIFICATION_TERRITOIRES_FRAGILES = "diversification-territoires-fragiles"


PROGRAMME_CODE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,58})[a-z0-9]$"


def _open_programme_schema(schema: dict[str, Any]) -> None:
    schema["x-extensible-enum"] = [p.value for p in Programme]


ProgrammeCode = Annotated[
    str,
    StringConstraints(pattern=PROGRAMME_CODE_PATTERN, max_length=60),
    Field(json_schema_extra=_open_programme_schema),
]
"""A programme on the wire, as an open set (the v2 funding events, issue 24 C2): one of `Programme` (the State's
offer, listed in `x-extensible-enum`) or a programme a partner declared (`ProgrammeDeclared`), e.g.
`bdt-decarbonation-industrielle`. A reader must accept a code it does not know yet."""
