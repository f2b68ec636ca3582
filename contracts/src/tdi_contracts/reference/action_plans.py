"""The 4 axes and 12 categories of the territories' action plans (fiches actions), as in the press kit."""

from enum import StrEnum


class Axis(StrEnum):
    """One of the four strategic axes of Temps II; `label` is its French name."""

    TRANSITION_ECOLOGIQUE = "transition-ecologique"
    FONCIER = "foncier"
    INNOVATION = "innovation"
    COMPETENCES = "competences"

    @property
    def label(self) -> str:
        """French name."""
        return _AXIS_LABELS[self.value]


_AXIS_LABELS = {
    "transition-ecologique": "Transition écologique et énergétique",
    "foncier": "Foncier industriel",
    "innovation": "Innovation",
    "competences": "Compétences et attractivité",
}


class Category(StrEnum):
    """A category of actions within an axis; `actions_at_launch` is the count published at Temps II launch."""

    GESTION_EAU = "gestion-eau"
    TRANSITION_ENERGETIQUE = "transition-energetique"
    ECOLOGIE_INDUSTRIELLE = "ecologie-industrielle"
    OPTIMISATION_FONCIERE = "optimisation-fonciere"
    REQUALIFICATION_FRICHES = "requalification-friches"
    NUMERIQUE = "numerique"
    RECHERCHE_INNOVATION = "recherche-innovation"
    SOUTIEN_FILIERES = "soutien-filieres"
    MARQUE_EMPLOYEUR = "marque-employeur"
    VALORISER_INDUSTRIE = "valoriser-industrie"
    FORMATIONS_INDUSTRIELLES = "formations-industrielles"
    ANTICIPER_FORMATION = "anticiper-formation"

    @property
    def label(self) -> str:
        """French name."""
        return _CATEGORY_INFO[self.value][0]

    @property
    def axis(self) -> Axis:
        """The axis the category belongs to."""
        return _CATEGORY_INFO[self.value][1]

    @property
    def actions_at_launch(self) -> int:
        """Actions counted in the category at the launch of Temps II (press kit)."""
        return _CATEGORY_INFO[self.value][2]


_CATEGORY_INFO: dict[str, tuple[str, Axis, int]] = {
    "gestion-eau": ("Gestion de l'eau", Axis.TRANSITION_ECOLOGIQUE, 54),
    "transition-energetique": ("Transition énergétique", Axis.TRANSITION_ECOLOGIQUE, 269),
    "ecologie-industrielle": ("Écologie industrielle et territoriale", Axis.TRANSITION_ECOLOGIQUE, 224),
    "optimisation-fonciere": ("Optimisation / densification foncière", Axis.FONCIER, 277),
    "requalification-friches": ("Requalification de friches", Axis.FONCIER, 152),
    "numerique": ("Développement de l'infrastructure et des usages numériques", Axis.INNOVATION, 97),
    "recherche-innovation": (
        "Développement des écosystèmes de recherche et innovation",
        Axis.INNOVATION,
        203,
    ),
    "soutien-filieres": ("Soutien aux filières", Axis.INNOVATION, 232),
    "marque-employeur": ("Développer la marque employeur", Axis.COMPETENCES, 148),
    "valoriser-industrie": ("Valoriser l'industrie du territoire", Axis.COMPETENCES, 268),
    "formations-industrielles": ("Ouvrir des formations industrielles", Axis.COMPETENCES, 208),
    "anticiper-formation": ("Anticiper les besoins de formation de demain", Axis.COMPETENCES, 123),
}


def categories_of(axis: Axis) -> tuple[Category, ...]:
    """The categories of one axis, in the press kit's order."""
    return tuple(category for category in Category if category.axis is axis)
