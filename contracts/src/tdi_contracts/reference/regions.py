"""The 18 French regions (INSEE codes, French names): all of them take part in Temps II."""

from enum import StrEnum


class Region(StrEnum):
    """A region; its value is the INSEE region code, `label` its French name."""

    GUADELOUPE = "01"
    MARTINIQUE = "02"
    GUYANE = "03"
    LA_REUNION = "04"
    MAYOTTE = "06"
    ILE_DE_FRANCE = "11"
    CENTRE_VAL_DE_LOIRE = "24"
    BOURGOGNE_FRANCHE_COMTE = "27"
    NORMANDIE = "28"
    HAUTS_DE_FRANCE = "32"
    GRAND_EST = "44"
    PAYS_DE_LA_LOIRE = "52"
    BRETAGNE = "53"
    NOUVELLE_AQUITAINE = "75"
    OCCITANIE = "76"
    AUVERGNE_RHONE_ALPES = "84"
    PROVENCE_ALPES_COTE_D_AZUR = "93"
    CORSE = "94"

    @property
    def label(self) -> str:
        """French name."""
        return _REGION_LABELS[self.value]


_REGION_LABELS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
