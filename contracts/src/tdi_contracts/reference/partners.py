"""The partner operators that publish events to the platform; slugs are used in topic names."""

from enum import StrEnum


class Partner(StrEnum):
    """A partner operator of the programme; value is a lowercase-hyphenated slug, `label` its name."""

    BPIFRANCE = "bpifrance"
    BANQUE_DES_TERRITOIRES = "banque-des-territoires"
    ADEME = "ademe"
    BUSINESS_FRANCE = "business-france"
    ACTION_LOGEMENT = "action-logement"
    FRANCE_TRAVAIL = "france-travail"
    DGEFP = "dgefp"
    APEC = "apec"

    @property
    def label(self) -> str:
        """French name."""
        return _PARTNER_LABELS[self.value]


_PARTNER_LABELS = {
    "bpifrance": "Bpifrance",
    "banque-des-territoires": "Banque des Territoires",
    "ademe": "ADEME, agence de la transition écologique",
    "business-france": "Business France",
    "action-logement": "Action Logement",
    "france-travail": "France Travail (ex-Pôle emploi)",
    "dgefp": "DGEFP, délégation générale à l'emploi et à la formation professionnelle",
    "apec": "APEC, association pour l'emploi des cadres",
}
