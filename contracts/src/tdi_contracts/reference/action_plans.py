"""The 4 axes and 12 categories of the territories' action plans (fiches actions), as in the press kit."""

from enum import StrEnum


class Axis(StrEnum):
    """One of the four strategic axes of Temps II; `label` is its French name."""

    label: str

    def __new__(cls, slug: str, label: str) -> "Axis":
        member = str.__new__(cls, slug)
        member._value_ = slug
        member.label = label
        return member

    TRANSITION_ECOLOGIQUE = ("transition-ecologique", "Transition écologique et énergétique")
    FONCIER = ("foncier", "Foncier industriel")
    INNOVATION = ("innovation", "Innovation")
    COMPETENCES = ("competences", "Compétences et attractivité")


class Category(StrEnum):
    """A category of actions within an axis; `actions_at_launch` is the count published at Temps II launch."""

    label: str
    axis: Axis
    actions_at_launch: int

    def __new__(cls, slug: str, label: str, axis: Axis, actions_at_launch: int) -> "Category":
        member = str.__new__(cls, slug)
        member._value_ = slug
        member.label = label
        member.axis = axis
        member.actions_at_launch = actions_at_launch
        return member

    GESTION_EAU = ("gestion-eau", "Gestion de l'eau", Axis.TRANSITION_ECOLOGIQUE, 54)
    TRANSITION_ENERGETIQUE = ("transition-energetique", "Transition énergétique", Axis.TRANSITION_ECOLOGIQUE, 269)
    ECOLOGIE_INDUSTRIELLE = (
        "ecologie-industrielle",
        "Écologie industrielle et territoriale",
        Axis.TRANSITION_ECOLOGIQUE,
        224,
    )
    OPTIMISATION_FONCIERE = ("optimisation-fonciere", "Optimisation / densification foncière", Axis.FONCIER, 277)
    REQUALIFICATION_FRICHES = ("requalification-friches", "Requalification de friches", Axis.FONCIER, 152)
    NUMERIQUE = (
        "numerique",
        "Développement de l'infrastructure et des usages numériques",
        Axis.INNOVATION,
        97,
    )
    RECHERCHE_INNOVATION = (
        "recherche-innovation",
        "Développement des écosystèmes de recherche et innovation",
        Axis.INNOVATION,
        203,
    )
    SOUTIEN_FILIERES = ("soutien-filieres", "Soutien aux filières", Axis.INNOVATION, 232)
    MARQUE_EMPLOYEUR = ("marque-employeur", "Développer la marque employeur", Axis.COMPETENCES, 148)
    VALORISER_INDUSTRIE = ("valoriser-industrie", "Valoriser l'industrie du territoire", Axis.COMPETENCES, 268)
    FORMATIONS_INDUSTRIELLES = (
        "formations-industrielles",
        "Ouvrir des formations industrielles",
        Axis.COMPETENCES,
        208,
    )
    ANTICIPER_FORMATION = (
        "anticiper-formation",
        "Anticiper les besoins de formation de demain",
        Axis.COMPETENCES,
        123,
    )


def categories_of(axis: Axis) -> tuple[Category, ...]:
    """The categories of one axis, in the press kit's order."""
    return tuple(category for category in Category if category.axis is axis)
