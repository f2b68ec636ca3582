"""The 18 French regions (INSEE codes, French names): all of them take part in Temps II."""

from enum import StrEnum


class Region(StrEnum):
    """A region; its value is the INSEE region code, `label` its French name."""

    label: str

    def __new__(cls, code: str, label: str) -> "Region":
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    GUADELOUPE = ("01", "Guadeloupe")
    MARTINIQUE = ("02", "Martinique")
    GUYANE = ("03", "Guyane")
    LA_REUNION = ("04", "La Réunion")
    MAYOTTE = ("06", "Mayotte")
    ILE_DE_FRANCE = ("11", "Île-de-France")
    CENTRE_VAL_DE_LOIRE = ("24", "Centre-Val de Loire")
    BOURGOGNE_FRANCHE_COMTE = ("27", "Bourgogne-Franche-Comté")
    NORMANDIE = ("28", "Normandie")
    HAUTS_DE_FRANCE = ("32", "Hauts-de-France")
    GRAND_EST = ("44", "Grand Est")
    PAYS_DE_LA_LOIRE = ("52", "Pays de la Loire")
    BRETAGNE = ("53", "Bretagne")
    NOUVELLE_AQUITAINE = ("75", "Nouvelle-Aquitaine")
    OCCITANIE = ("76", "Occitanie")
    AUVERGNE_RHONE_ALPES = ("84", "Auvergne-Rhône-Alpes")
    PROVENCE_ALPES_COTE_D_AZUR = ("93", "Provence-Alpes-Côte d'Azur")
    CORSE = ("94", "Corse")
