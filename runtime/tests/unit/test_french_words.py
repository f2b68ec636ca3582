"""One French word per thing (issue 21): what staff read never says « planifiée » in one screen and « programmée »
in another, nor an anglicism or a calque. The words are in `tdi_contracts.reference.labels`; this scan reads the
sources of the contracts, the kit, every service (dashboard included), the local stack and the partner CLI at
test time and names every place that still says the other word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    ROOT / "contracts" / "src",
    ROOT / "runtime" / "src",
    *sorted((ROOT / "services").glob("*/src")),
    ROOT / "deploy" / "local" / "src",
    ROOT / "partner" / "src",
]
THE_WORDS = ROOT / "contracts" / "src" / "tdi_contracts" / "reference" / "labels.py"  # names the words it replaces
NOT_SAID = {
    "a fiche action is « programmée », never « planifiée »": r"planifi",
    "a fiche action is « réalisée », never « terminée »": (
        r"fiches? actions? (?:est |sont )?termin|\bterminee\b|\"Terminée\""
    ),
    "a decision is « accordé(e) », never « approuvé(e) »": r"approuv[ée]",
    "a decision is « refusé(e) », never « rejeté(e) »": r"rejet[ée]",
    "money handed over is a « versement », never a « paiement »": r"(?<!crédits de )paiement|\bpay[ée]s?\b|\bpaye_",
    "a Kafka topic is a « flux » in French (or its name, as code)": r"\b(?:le|ce|du|un|son|au|sur) topic\b",
    "« courtier » is a calque of broker: say Kafka": r"courtier",
    "« modèle de lecture » is a calque of read model: say « jeu de données »": r"mod[èe]les? de lecture",
    "« surengagée » is one word": r"sur-engag",
    "the programme says « binômes élus-industriels » (« binôme élu-industriel »)": r"élus?–industriels?|binômes élu-",
    "an adjective agrees with its noun: never « inconnu(e) »": r"(?:nu|é)\(e\)",
}
FILES = sorted(
    path
    for source in SOURCES
    for pattern in ("*.py", "*.js", "*.html")
    for path in source.rglob(pattern)
    if path != THE_WORDS
)


@pytest.mark.parametrize("rule", sorted(NOT_SAID))
def test_staff_read_one_french_word_per_thing(rule: str) -> None:
    pattern = re.compile(NOT_SAID[rule], re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for path in FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == [], f"{rule}:\n" + "\n".join(found)
