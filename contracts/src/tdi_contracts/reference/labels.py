"""The French words staff read, one per concept, in one place (issue 21: "one word per thing").

Every service, the dashboard, the exports and the error sentences take their words from here, so a fiche
action is never « programmée » in one screen and « planifiée » in another. The words are the programme's own
where the sources use one (« binômes élus-industriels », actions « réalisées », an aid « versée »), else the usual
word of French public funding (a dossier « accordé » or « refusé », a « versement »).

| concept | word | not |
| --- | --- | --- |
| a fiche action's status | proposée, programmée, en cours, réalisée, abandonnée | planifiée, terminée |
| a funding dossier's state | brouillon, déposé, en instruction, accordé, refusé, retiré | approuvé, rejeté |
| money handed over | versement, versé | paiement, payé |
| who leads a territory | binôme élu-industriel, binômes élus-industriels | binômes élus-industriels |
| a Kafka topic, in French | flux | topic |
| a read model, in French | jeu de données | modèle de lecture |
"""

from __future__ import annotations

from enum import StrEnum

BINOME, BINOMES = "binôme élu-industriel", "binômes élus-industriels"
"""The programme's own term (press kit: « le binôme élu-industriel », « deux binômes élus-industriels »)."""
PAYMENT, PAYMENTS, PAID = "versement", "versements", "versé"
"""Money handed over to a beneficiary: « versement » (as the VTE's « aide versée »), never « paiement »."""
GRANTED, REFUSED = "accordé", "refusé"
"""The two decisions on a dossier or an aid (never « approuvé », « rejeté »)."""
STREAM = "flux"
"""A Kafka topic, in a French sentence (or name the topic itself, as code)."""
DATASET, DATASETS = "jeu de données", "jeux de données"
"""A read model of the reporting service, in a French sentence."""
UNKNOWN_SIZE = "Non renseignée"
"""A company size the events did not give (a refused VTE aid carries none)."""


def agree(word: str, *, feminine: bool = False, plural: bool = False) -> str:
    """A past participle or adjective of the table agreed: accordé → accordée, accordés, accordées. Words of
    several words (« en cours », « en instruction ») do not agree."""
    if " " in word:
        return word
    if feminine and not word.endswith("e"):
        word += "e"
    if plural and not word.endswith(("s", "x")):
        word += "s"
    return word


def capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


class FicheStatus(StrEnum):
    """Where a fiche action stands (the actions service's codes); `label` is its French word (« une fiche
    action programmée »)."""

    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    ABANDONED = "abandoned"

    @property
    def label(self) -> str:
        return _FICHE_STATUS[self.value]

    @property
    def plural(self) -> str:
        return agree(self.label, plural=True)

    @property
    def closed(self) -> bool:
        """Done or abandoned: the fiche keeps its history and takes no further change."""
        return self in (FicheStatus.DONE, FicheStatus.ABANDONED)


_FICHE_STATUS = {
    "proposed": "proposée",
    "planned": "programmée",
    "in-progress": "en cours",
    "done": "réalisée",
    "abandoned": "abandonnée",
}


class ApplicationState(StrEnum):
    """Where a funding dossier stands (the funding service's codes); `label` agrees with « le dossier »."""

    DRAFT = "draft"
    FILED = "filed"
    UNDER_INSTRUCTION = "under-instruction"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _APPLICATION_STATE[self.value]

    def agreed(self, *, feminine: bool = False, plural: bool = False) -> str:
        """The word agreed with another noun (« demandes accordées »)."""
        return self.label if self is ApplicationState.DRAFT else agree(self.label, feminine=feminine, plural=plural)


_APPLICATION_STATE = {
    "draft": "brouillon",
    "filed": "déposé",
    "under-instruction": "en instruction",
    "approved": GRANTED,
    "refused": REFUSED,
    "withdrawn": "retiré",
}


def vocabulary() -> dict[str, object]:
    """Every word of this module, for a front end (the dashboard reads it from `/api/reference`)."""
    return {
        "statuts_fiche": {s.value: s.label for s in FicheStatus},
        "etats_dossier": {s.value: s.label for s in ApplicationState},
        "etats_demandes": {s.value: s.agreed(feminine=True, plural=True) for s in ApplicationState},
        "binome": BINOME,
        "binomes": BINOMES,
        "versement": PAYMENT,
        "verse": PAID,
        "accorde": GRANTED,
        "refuse": REFUSED,
        "taille_inconnue": UNKNOWN_SIZE,
    }
