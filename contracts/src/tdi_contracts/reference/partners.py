"""The partner operators that publish events to the platform; slugs are used in topic names."""

from enum import StrEnum


class Partner(StrEnum):
    """A partner operator of the programme; value is a lowercase-hyphenated slug, `label` its name."""

    label: str

    def __new__(cls, slug: str, label: str) -> "Partner":
        member = str.__new__(cls, slug)
        member._value_ = slug
        member.label = label
        return member

    BPIFRANCE = ("bpifrance", "Bpifrance")
    BANQUE_DES_TERRITOIRES = ("banque-des-territoires", "Banque des Territoires")
    ADEME = ("ademe", "ADEME, agence de la transition écologique")
    BUSINESS_FRANCE = ("business-france", "Business France")
    ACTION_LOGEMENT = ("action-logement", "Action Logement")
    FRANCE_TRAVAIL = ("france-travail", "France Travail (ex-Pôle emploi)")
    DGEFP = ("dgefp", "DGEFP, délégation générale à l'emploi et à la formation professionnelle")
    APEC = ("apec", "APEC, association pour l'emploi des cadres")
