"""Who sends a command, whatever the door: the one caller model of HTTP, Kafka and the doors to come.

A person comes with a bearer token (`Caller.of_token`, built by `tdi_runtime.auth`): `national` (ANCT, DGE; the local
`staff` and `admin` tokens are national), `regional` (the regional prefecture: one region), `region-council` (the
Conseil régional: one region, consulted: it gives an avis, issue 24), `instructor` (one programme), `territory` (a
territory's chef de projet and its binôme: one territory, issue 24), `reader` (reads only). A partner's command comes
from its ingress topic (`Caller.of_partner`): partners are bound to the commands `PARTNER_COMMANDS` grants them, not to
a region. Domain events, projections and start-up jobs act as the service itself (`Caller.system`).

The scope rules (issue 14): a `regional` or `region-council` caller sees and acts on its own region only (lists narrowed
to it, another region's object refused `OUT_OF_REGION`); an `instructor` acts for its programme only
(`OUT_OF_PROGRAMME`); a `territory` caller acts on the routes that name it only, and there on its own territory
(`require_territory`, `territory_filter`: `OUT_OF_TERRITORY`); a `reader` never writes (`READ_ONLY_ROLE`). A handler
checks them on what it computed (`uow.caller.require_region(location.regions)`), never only on what the caller quoted
(issue 22 #2). Sensitive fields are shown only to the roles `SENSITIVE` names (platform rule); the others get `null`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Partner
from tdi_runtime.errors import DomainError

NATIONAL_ROLES = frozenset({"national", "staff", "admin"})
READ_ROLES = ("national", "regional", "region-council", "instructor", "reader")
REGION_ROLES = frozenset({"regional", "region-council"})
"""Roles bound to one region (`tdi_region` claim, `role:<region>` static token)."""
WRITE_ROLES = ("national", "regional")
PROGRAMME_WRITE_ROLES = ("national", "regional", "instructor")
TERRITORY_ROLE = "territory"
"""A territory's chef de projet and its binôme (`tdi_territory` claim, `territory:<territory_id>` static token):
admitted only by the routes that name it (`reads(territories=True)`, `commands(territories=True)`), never by default."""
PARTNER_ROLE = "partner"
SYSTEM_ROLE = "system"

OWN_PROGRAMME = "*"
"""In `SENSITIVE`: the instructors of the object's own programme also see the family."""
SENSITIVE: dict[str, tuple[frozenset[str], str | None]] = {
    "post_cost": (frozenset({"national", "regional", TERRITORY_ROLE}), "chef-de-projet"),
    "binome_company": (frozenset({"national", "regional"}), None),
    "undecided_amount": (frozenset({"national", "regional", "region-council"}), OWN_PROGRAMME),
    "vte_aid_amount": (frozenset({*READ_ROLES, TERRITORY_ROLE}), None),  # every token; the public: counts only
}
"""Field family -> (roles that see it, the programme whose instructors also see it, or `OWN_PROGRAMME`). Platform
rule: the issue asks for a role; a reader never sees them, an instructor sees the amounts of its own programme's
dossiers only. Every service that shows such a field, and reporting's figures built from it, ask `may_see`.
`vte_aid_amount`: the VTE aid amounts summed per zone, which in a territory of one or two contracts are each
company's aid; every token's role sees them, the anonymous public of the open data (role `public`) does not.
`territory` (issue 24, platform rule): what it reads is narrowed to its own territory (`territory_filter`,
`require_territory`), so it sees its own chef de projet post's cost and its own companies' VTE aid; the amounts of a
dossier before the decision (`undecided_amount`) and a binôme's company (`binome_company`) it does not see."""
COUNTS_ONLY_ROLES = frozenset({"reader"})
"""Roles that get counts, never rows, of records next to personal data (VTE contracts: a candidate's status, study
level and graduation year beside the establishment's SIRET and the start date). Platform rule (issue 22 #13)."""

Regions = Iterable[str | None] | str | None


@dataclass(frozen=True)
class Caller:
    """The caller's identity and reach. `role` is normalised: the local `staff` and `admin` tokens are `national`."""

    subject: str
    role: str
    region: str | None = None
    programme: str | None = None
    territory: str | None = None
    """The one territory of a `territory` caller (its platform `tdi-…` or official `ti-…` id, as its token says)."""
    partner: Partner | None = None

    @classmethod
    def of_token(
        cls,
        subject: str,
        role: str,
        region: str | None = None,
        programme: str | None = None,
        territory: str | None = None,
    ) -> Caller:
        """A person, from a verified bearer token (`tdi_runtime.auth`)."""
        return cls(subject, "national" if role in NATIONAL_ROLES else role, region, programme, territory)

    @classmethod
    def of_partner(cls, partner: Partner) -> Caller:
        """A partner, from its own ingress topic."""
        return cls(f"partner:{partner.value}", PARTNER_ROLE, partner=partner)

    @classmethod
    def system(cls, service: str) -> Caller:
        """The service itself: domain events it consumes, its projections and start-up jobs."""
        return cls(f"service:{service}", SYSTEM_ROLE)

    def sees(self, regions: Regions) -> bool:
        """Whether an object of these regions is within reach (a regional caller: its own region only)."""
        wanted = (regions,) if isinstance(regions, str) or regions is None else tuple(regions)
        return self.role not in REGION_ROLES or self.region in wanted

    def require_region(self, regions: Regions) -> None:
        """Refuse (403 OUT_OF_REGION) an object of another region."""
        if not self.sees(regions):
            raise DomainError(ErrorCode.OUT_OF_REGION, f"Ce jeton est limité à la région {self.region}.")

    def region_filter(self, asked: str | None) -> str | None:
        """A list's region filter: a regional caller's lists are its region's; asking for another is refused."""
        if self.role not in REGION_ROLES:
            return asked
        if asked is not None:
            self.require_region(asked)
        return self.region

    def reaches_territory(self, territory_ids: Iterable[str | None] | str | None) -> bool:
        """Whether an object of this territory (any of its ids: platform, official) is within reach: a territory
        caller's own territory only; other roles are bound to no territory."""
        wanted = (territory_ids,) if isinstance(territory_ids, str) or territory_ids is None else tuple(territory_ids)
        return self.role != TERRITORY_ROLE or (self.territory is not None and self.territory in wanted)

    def require_territory(self, territory_ids: Iterable[str | None] | str | None) -> None:
        """Refuse (403 OUT_OF_TERRITORY) an object of another territory (give every id the object is known by)."""
        if not self.reaches_territory(territory_ids):
            raise DomainError(ErrorCode.OUT_OF_TERRITORY, f"Ce jeton est limité au territoire {self.territory}.")

    def territory_filter(self, asked: str | None) -> str | None:
        """A list's territory filter: a territory caller's lists are its territory's; asking for another is refused."""
        if self.role != TERRITORY_ROLE:
            return asked
        if asked is not None:
            self.require_territory(asked)
        return self.territory

    def require_role(self, roles: Iterable[str]) -> None:
        """A read: a role the route does not name (a territory caller on a route not opened to it) gets FORBIDDEN."""
        if self.role not in tuple(roles):
            raise DomainError(ErrorCode.FORBIDDEN, f"Le rôle « {self.role} » ne permet pas cette lecture.")

    def require_programme(self, programme: str | None) -> None:
        """Refuse (403 OUT_OF_PROGRAMME) an instructor acting or reading outside its programme."""
        if self.role == "instructor" and programme != self.programme:
            raise DomainError(ErrorCode.OUT_OF_PROGRAMME, f"Ce jeton est limité au programme {self.programme}.")

    def programme_filter(self, asked: str | None) -> str | None:
        """A list's programme filter: an instructor's lists are its programme's."""
        if self.role != "instructor":
            return asked
        if asked is not None:
            self.require_programme(asked)
        return self.programme

    def require_write(self, roles: Iterable[str] = WRITE_ROLES) -> None:
        """A command: a reader is refused with READ_ONLY_ROLE, a role the route does not name with FORBIDDEN."""
        if self.role == "reader":
            raise DomainError(ErrorCode.READ_ONLY_ROLE)
        if self.role not in tuple(roles):
            raise DomainError(ErrorCode.FORBIDDEN, f"Le rôle « {self.role} » ne permet pas cette opération.")

    def reaches_programme(self, programme: str | None) -> bool:
        """Whether an object of this programme is within reach (an instructor: its own programme only)."""
        return self.role != "instructor" or programme == self.programme

    def require_rows(self) -> None:
        """Refuse (403 AGGREGATES_ONLY) a list or detail of records a role gets counts of only (`COUNTS_ONLY_ROLES`)."""
        if self.role in COUNTS_ONLY_ROLES:
            raise DomainError(ErrorCode.AGGREGATES_ONLY, "Utilisez la route des totaux.")

    def may_see(self, family: str, programme: str | None = None) -> bool:
        """Whether the sensitive fields of this family (`SENSITIVE`) are shown to the caller, for an object of
        `programme` (needed where the family's instructors see their own programme's objects only)."""
        roles, also = SENSITIVE[family]
        if self.role in roles:
            return True
        if self.role != "instructor" or also is None:
            return False
        return self.programme == (programme if also == OWN_PROGRAMME else also)

    def hide(
        self, family: str, values: dict[str, object], fields: Iterable[str], programme: str | None = None
    ) -> dict[str, object]:
        """`values` with `fields` set to null unless the caller may see this family (of an object of `programme`)."""
        if self.may_see(family, programme):
            return values
        return {**values, **dict.fromkeys(fields)}
