"""The vendored slim bundle of `@etalab/decoupage-administratif` (INSEE COG + DGCL EPCI composition): its counts are
re-derived here, so the data cannot drift silently from what `VERSION` says it was built from."""

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from tdi_territory.reference.cog import COG_DIR, load_cog
from tdi_territory.reference.cog_build import TarballMismatchError, build_bundle, cached_tarball, render_version


def test_the_bundle_holds_every_epci_of_france_with_its_member_communes() -> None:
    """1,255 EPCI à fiscalité propre and 34,871 memberships in the 2026 millésime (DGCL epcicom2026)."""
    cog = load_cog()
    assert cog.version == "6.0.0" and cog.millesime == 2026
    assert len(cog.epcis) == 1255
    assert sum(len(e.members) for e in cog.epcis.values()) == 34871
    assert len(cog.communes) == 34969  # communes actuelles
    # former codes, communes déléguées / associées, PLM arrondissements: 4,285 in the package, less the 366
    # pre-1976 Corsican codes (20xxx) no INSEE code of the contracts can carry
    assert len(cog.aliases) == 3919


def test_grand_reims_lists_reims_and_marseille_metropole_lists_marseille_not_its_arrondissements() -> None:
    cog = load_cog()
    reims = cog.epci("200067213")
    assert reims is not None and reims.type == "CU" and "51454" in reims.members
    amp = cog.epci("200054807")
    assert amp is not None and "13055" in amp.members and "13203" not in amp.members
    assert cog.current("13203") == ("13055", "arrondissement")
    assert cog.epci_of_commune("13055") == "200054807"


def test_the_45_paris_lyon_marseille_arrondissements_are_aliases_of_their_commune() -> None:
    cog = load_cog()
    arrondissements = {a: c for a, (c, kind) in cog.aliases.items() if kind == "arrondissement"}
    assert len(arrondissements) == 45
    assert set(arrondissements.values()) == {"75056", "69123", "13055"}


def test_a_delegated_commune_wins_over_a_former_code_naming_another_commune() -> None:
    """60455 (La Neuville-Garnier) is a former code of 60054 but today a commune déléguée of 60694: the current
    status is the one a company's address carries."""
    assert load_cog().current("60455") == ("60694", "delegue")


def test_the_version_file_names_the_package_the_millesime_and_the_bundle_digest() -> None:
    version = json.loads((COG_DIR / "VERSION").read_text(encoding="utf-8"))
    bundle = (COG_DIR / "decoupage-administratif.json.gz").read_bytes()
    assert version["package"] == "@etalab/decoupage-administratif" and version["version"] == "6.0.0"
    assert version["bundle_sha256"] == hashlib.sha256(bundle).hexdigest()
    assert version["counts"] == {"epci": 1255, "memberships": 34871, "communes": 34969, "aliases": 3919}
    assert (COG_DIR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "Licence Ouverte" in (COG_DIR / "LICENCE-DONNEES.md").read_text(encoding="utf-8")


def _tarball(epci: list[dict], communes: list[dict]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in (
            ("package/package.json", {"name": "@etalab/decoupage-administratif", "version": "9.9.9"}),
            ("package/data/epci.json", epci),
            ("package/data/communes.json", communes),
        ):
            raw = json.dumps(data).encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return out.getvalue()


def test_the_build_keeps_members_names_and_aliases_and_is_byte_for_byte_deterministic() -> None:
    epci = [{"code": "200067213", "nom": "CU du Grand Reims", "type": "CU", "membres": [{"code": "51454"}]}]
    communes = [
        {"code": "51454", "nom": "Reims", "type": "commune-actuelle", "anciensCodes": ["51401"]},
        {"code": "51999", "nom": "Ailleurs", "type": "commune-deleguee", "chefLieu": "51454"},
        {"code": "51454", "nom": "Reims", "type": "commune-deleguee", "chefLieu": "51454"},  # itself: no alias
    ]
    tarball = _tarball(epci, communes)
    first, second = build_bundle(tarball, millesime=2099), build_bundle(tarball, millesime=2099)
    assert first == second
    data = json.loads(gzip.decompress(first))
    assert data["epci"] == {"200067213": ["CU du Grand Reims", "CU", ["51454"]]}
    assert data["communes"] == {"51454": "Reims"}
    assert data["aliases"] == {"51401": ["51454", "ancien"], "51999": ["51454", "delegue"]}
    assert json.loads(render_version(tarball, first, millesime=2099))["version"] == "9.9.9"


def test_the_committed_bundle_is_what_the_script_builds_from_the_npm_tarball(etalab_tarball: bytes) -> None:
    """The tarball comes from the npm registry (the `etalab_tarball` fixture): under CI this test runs or fails."""
    assert build_bundle(etalab_tarball, millesime=2026) == (COG_DIR / "decoupage-administratif.json.gz").read_bytes()
    version = json.loads((COG_DIR / "VERSION").read_text(encoding="utf-8"))
    assert json.loads(render_version(etalab_tarball, build_bundle(etalab_tarball, millesime=2026), millesime=2026)) == (
        version
    )


def test_a_registry_serving_other_bytes_than_the_vendored_tarball_is_refused_and_nothing_is_cached(
    tmp_path: Path,
) -> None:
    registry = tmp_path / "registry"
    served = registry / "@etalab" / "decoupage-administratif" / "-" / "decoupage-administratif-6.0.0.tgz"
    served.parent.mkdir(parents=True)
    served.write_bytes(_tarball([], []))
    cache = tmp_path / "cache"

    with pytest.raises(TarballMismatchError, match="SHA-256"):
        cached_tarball(cache, registry=registry.as_uri())

    assert not any(cache.rglob("*"))


def test_an_unreachable_registry_is_an_os_error_the_fixture_turns_into_a_skip_or_a_ci_failure(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        cached_tarball(tmp_path / "cache", registry=(tmp_path / "no-registry").as_uri())
