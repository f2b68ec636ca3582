"""The list of territories and their label: entered, corrected by errata, withdrawn."""
