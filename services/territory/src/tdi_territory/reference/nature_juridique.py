"""Legal forms of an EPCI (établissement public de coopération intercommunale), with their BANATIC codes."""

from enum import StrEnum


class NatureJuridique(StrEnum):
    """The `nature_juridique` column of the open data: one code per legal form of intercommunalité."""

    CC = "CC"  # communauté de communes
    CA = "CA"  # communauté d'agglomération
    CU = "CU"  # communauté urbaine
    METRO = "METRO"  # métropole
    MET69 = "MET69"  # métropole de Lyon
    EPT = "EPT"  # établissement public territorial of the Métropole du Grand Paris
