"""The local stacks' known perimeters (issue 24): real EPCI of the vendored COG, real communes, nothing invented."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from tdi_localstack.perimeters import JOINED_ON, NAMED_AFTER_THEIR_EPCI, join_epcis, known_perimeters
from tdi_territory.reference.cog import load_cog

TERRITORIES = Path(__file__).parents[3] / "services/territory/src/tdi_territory/reference/territories.json"


def _core(name: str) -> str:
    """An EPCI's or a territory's name without accents, legal form and article: « CU du Grand Reims » -> grand reims."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"[^a-z0-9]+", " ", plain).strip()
    forms = "communaute de communes|communaute d agglomeration|communaute urbaine|metropole|cc|ca|cu"
    plain = re.sub(rf"^({forms})\s+", "", plain)
    return re.sub(r"^(du|de la|de l|des|de|d|l|la|le|les)\s+", "", plain)


def test_each_territory_joins_the_one_epci_of_the_cog_it_is_named_after_in_its_departement():
    listed = {t["id"]: t for t in json.loads(TERRITORIES.read_text(encoding="utf-8"))["territories"]}
    cog = load_cog()
    for territory_id, siren in NAMED_AFTER_THEIR_EPCI.items():
        territory, epci = listed[territory_id], cog.epci(siren)
        assert epci is not None, f"{siren} is not an EPCI of {cog.label}"
        assert _core(epci.name) == _core(territory["name"]), (territory["name"], epci.name)
        departements = {m[:3] if m.startswith("97") else m[:2] for m in epci.members}
        assert departements & set(territory["departements"]), (territory_id, departements)  # GPS Sud: 91 and 77


def test_the_communes_of_a_perimeter_are_its_epcis_current_communes_and_no_two_territories_share_one():
    cog = load_cog()
    perimeters = known_perimeters()
    assert len(perimeters) == len(NAMED_AFTER_THEIR_EPCI) == 32
    seen: set[str] = set()
    for p in perimeters:
        assert p.communes and all(cog.current(c) == (c, None) and cog.epci_of_commune(c) == p.siren for c in p.communes)
        assert not seen & set(p.communes)
        seen |= set(p.communes)
    reims = next(p for p in perimeters if p.territory_id == "tdi-44-grand-reims")
    assert "51454" in reims.communes  # Reims
    assert reims.join_body() == {"siren": "200067213", "name": "CU du Grand Reims", "nature_juridique": "CU",
                                 "joined_on": JOINED_ON}  # fmt: skip


def test_joining_twice_counts_the_epci_already_there_as_joined_and_names_any_other_answer():
    already, unknown = {"code": "EPCI_ALREADY_IN_TERRITORY"}, {"code": "UNKNOWN_TERRITORY"}
    answers = iter([(201, {"territory_id": "x"}), (409, already), (404, unknown)])
    sent: list[tuple[str, str]] = []

    def post(path: str, body: dict, key: str) -> tuple[int, dict]:
        sent.append((path, key))
        return next(answers)

    tally = join_epcis(post, known_perimeters()[:3])
    assert tally == {"joined": 2, "404 UNKNOWN_TERRITORY": 1}
    assert sent[0] == ("/territories/tdi-01-cap-excellence/epci", "perimeter-tdi-01-cap-excellence")
