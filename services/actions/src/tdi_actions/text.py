"""Text normalisation shared by natural keys and column headers: case, accents and spacing ignored."""

import re
import unicodedata

_SPACES = re.compile(r"[\s_\-–—]+")


def normalise(text: str) -> str:
    """`« Réseau  de Chaleur »` and `reseau de chaleur` give the same key."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain).strip(" «»\"'")
