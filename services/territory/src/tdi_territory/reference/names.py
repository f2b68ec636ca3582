"""Name normalisation for search and matching: accents, case, punctuation and dashes do not count."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_name(name: str) -> str:
    """Fold a territory or EPCI name for comparison: "Cœur  de-Maine*" and "coeur de maine" are equal.

    Accents are stripped, ligatures expanded, case folded, and every run of punctuation, dashes
    (-, –, —), apostrophes, stars or spaces becomes one space. The result is idempotent.
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_LIGATURES))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = without_accents.casefold().translate(_LIGATURES)
    return _NOT_ALNUM.sub(" ", folded).strip()


def slugify(name: str) -> str:
    """The normalised name with hyphens: "Vallée de la Bresle – Vimeu" gives "vallee-de-la-bresle-vimeu"."""
    return normalise_name(name).replace(" ", "-")


def platform_territory_id(name: str, regions: list[str] | tuple[str, ...]) -> str:
    """The platform id of a territory: "tdi-<lowest INSEE region code>-<slug of the name>", given once, kept forever."""
    return f"tdi-{min(regions)}-{slugify(name)}"
