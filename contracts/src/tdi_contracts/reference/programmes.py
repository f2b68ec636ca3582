"""The programmes of the service offer, the financial instruments and the Fonds vert target value chains."""

from enum import StrEnum


class Programme(StrEnum):
    """A programme (funding line) of Temps II; `label` is its French name."""

    label: str

    def __new__(cls, slug: str, label: str) -> "Programme":
        member = str.__new__(cls, slug)
        member._value_ = slug
        member.label = label
        return member

    CHEF_DE_PROJET = ("chef-de-projet", "Cofinancement du poste de chef de projet")
    INGENIERIE_ANCT = ("ingenierie-anct", "Offre d'ingénierie de l'ANCT")
    FONDS_VERT_TI = ("fonds-vert-ti", "Fonds vert « Territoires d'industrie en transition écologique »")
    REBOND_INDUSTRIEL_INGENIERIE = ("rebond-industriel-ingenierie", "AMI Rebond industriel, volet ingénierie")
    REBOND_INDUSTRIEL_INVESTISSEMENT = (
        "rebond-industriel-investissement",
        "AMI Rebond industriel, volet investissement (opéré par Bpifrance)",
    )
    SITES_CLES_EN_MAIN = ("sites-cles-en-main", "Sites clés en main France 2030")
    VTE = ("vte", "Volontariat territorial en entreprise (VTE)")


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
