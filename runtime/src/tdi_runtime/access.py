"""What a caller may read and change: the one place for the scope rules of the HTTP routes (issue 14).

A `regional` caller (a prefecture) and a `region-council` caller see and act on their own region only (lists are
narrowed to it, another region's object is refused with `OUT_OF_REGION`); an `instructor` acts for its programme
only (`OUT_OF_PROGRAMME`); a `reader` reads and never writes (`READ_ONLY_ROLE`); `national` (and the local
`staff` / `admin` tokens) is limited by nothing.
Sensitive fields are shown only to the roles `SENSITIVE` names (platform rule); the others get `null`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tdi_runtime.auth import REGION_ROLES, Principal
from tdi_runtime.errors import ForbiddenError

NATIONAL_ROLES = frozenset({"national", "staff", "admin"})
READ_ROLES = ("national", "regional", "region-council", "instructor", "reader")
WRITE_ROLES = ("national", "regional")
PROGRAMME_WRITE_ROLES = ("national", "regional", "instructor")

Reach = Callable[[Iterable[str]], None]
"""What a use case calls with the regions of the object it is about to write (as it computed them, inside its
transaction): raises `OUT_OF_REGION` when the caller may not act there. HTTP passes `access.require_region`; a
partner's ingress passes nothing (partners are not region-bound). Checking what the caller *quotes* is not
enough: the use case may place the object elsewhere (issue 22 #2)."""

OWN_PROGRAMME = "*"
"""In `SENSITIVE`: the instructors of the object's own programme also see the family."""
SENSITIVE: dict[str, tuple[frozenset[str], str | None]] = {
    "post_cost": (frozenset({"national", "regional"}), "chef-de-projet"),
    "binome_company": (frozenset({"national", "regional"}), None),
    "undecided_amount": (frozenset({"national", "regional", "region-council"}), OWN_PROGRAMME),
    "vte_aid_amount": (frozenset(READ_ROLES), None),  # every staff role; the public (open data) gets counts only
}
"""Field family -> (roles that see it, the programme whose instructors also see it, or `OWN_PROGRAMME`). Platform
rule: the issue asks for a role; a reader never sees them, an instructor sees the amounts of its own programme's
dossiers only. Every service that shows such a field, and reporting's figures built from it, ask `may_see`.
`vte_aid_amount`: the VTE aid amounts summed per zone, which in a territory of one or two contracts are each
company's aid; every token's role sees them, the anonymous public of the open data (role `public`) does not."""
COUNTS_ONLY_ROLES = frozenset({"reader"})
"""Roles that get counts, never rows, of records next to personal data (VTE contracts: a candidate's status, study
level and graduation year beside the establishment's SIRET and the start date). Platform rule (issue 22 #13)."""


@dataclass(frozen=True)
class Access:
    """The caller's reach. `role` is normalised: the local `staff` and `admin` tokens are `national`."""

    subject: str
    role: str
    region: str | None = None
    programme: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> Access:
        role = "national" if principal.role in NATIONAL_ROLES else principal.role
        return cls(principal.subject, role, principal.region, principal.programme)

    def sees(self, regions: Iterable[str | None] | str | None) -> bool:
        """Whether an object of these regions is within reach (a regional caller: its own region only)."""
        wanted = (regions,) if isinstance(regions, str) or regions is None else tuple(regions)
        return self.role not in REGION_ROLES or self.region in wanted

    def require_region(self, regions: Iterable[str | None] | str | None) -> None:
        """Refuse (403 OUT_OF_REGION) an object of another region."""
        if not self.sees(regions):
            raise ForbiddenError(
                f"Ce jeton est limité à la région {self.region} : cette ressource relève d'une autre région.",
                code="OUT_OF_REGION",
            )

    def region_filter(self, asked: str | None) -> str | None:
        """A list's region filter: a regional caller's lists are its region's; asking for another is refused."""
        if self.role not in REGION_ROLES:
            return asked
        if asked is not None:
            self.require_region(asked)
        return self.region

    def require_programme(self, programme: str | None) -> None:
        """Refuse (403 OUT_OF_PROGRAMME) an instructor acting or reading outside its programme."""
        if self.role == "instructor" and programme != self.programme:
            raise ForbiddenError(
                f"Ce jeton est limité au programme {self.programme} : cette ressource relève d'un autre programme.",
                code="OUT_OF_PROGRAMME",
            )

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
            raise ForbiddenError(
                "Ce jeton est en lecture seule : il ne permet aucune modification.", code="READ_ONLY_ROLE"
            )
        if self.role not in tuple(roles):
            raise ForbiddenError(f"Le rôle « {self.role} » ne permet pas cette opération.", code="FORBIDDEN")

    def reaches_programme(self, programme: str | None) -> bool:
        """Whether an object of this programme is within reach (an instructor: its own programme only)."""
        return self.role != "instructor" or programme == self.programme

    def require_rows(self) -> None:
        """Refuse (403 AGGREGATES_ONLY) a list or detail of records a role gets counts of only (`COUNTS_ONLY_ROLES`)."""
        if self.role in COUNTS_ONLY_ROLES:
            raise ForbiddenError(
                "Ce jeton donne accès aux totaux seulement, pas aux dossiers un par un : utilisez la route des totaux.",
                code="AGGREGATES_ONLY",
            )

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
