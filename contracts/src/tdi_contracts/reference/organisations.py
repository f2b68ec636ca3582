"""Kinds of organisations that appear in payloads instead of people (binômes, employers, chefs de projet)."""

from enum import StrEnum


class LocalAuthorityType(StrEnum):
    """Kind of local authority (collectivité) an elected official or a chef de projet post belongs to."""

    COMMUNE = "commune"
    EPCI = "epci"  # établissement public de coopération intercommunale (intercommunalité)
    DEPARTEMENT = "departement"
    REGION = "region"
    SYNDICAT_MIXTE = "syndicat-mixte"


class CompanySize(StrEnum):
    """INSEE company size category of an industrialist's company or a VTE employer."""

    TPE = "tpe"  # très petite entreprise, < 10 employees
    PME = "pme"  # petite et moyenne entreprise, < 250 employees
    ETI = "eti"  # entreprise de taille intermédiaire, < 5,000 employees
    GRANDE_ENTREPRISE = "grande-entreprise"
