"""What a caller may read and change: the one place for the scope rules of the HTTP routes (issue 14).

A `regional` caller sees and acts on its own region only (lists are narrowed to it, another region's object is
refused with `OUT_OF_REGION`); an `instructor` acts for its programme only (`OUT_OF_PROGRAMME`); a `reader` reads
and never writes (`READ_ONLY_ROLE`); `national` (and the local `staff` / `admin` tokens) is limited by nothing.
Sensitive fields are shown only to the roles `SENSITIVE` names (platform rule); the others get `null`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tdi_runtime.auth import Principal
from tdi_runtime.errors import ForbiddenError

NATIONAL_ROLES = frozenset({"national", "staff", "admin"})
READ_ROLES = ("national", "regional", "instructor", "reader")
WRITE_ROLES = ("national", "regional")
PROGRAMME_WRITE_ROLES = ("national", "regional", "instructor")

Reach = Callable[[Iterable[str]], None]
"""What a use case calls with the regions of the object it is about to write (as it computed them, inside its
transaction): raises `OUT_OF_REGION` when the caller may not act there. HTTP passes `access.require_region`; a
partner's ingress passes nothing (partners are not region-bound). Checking what the caller *quotes* is not
enough: the use case may place the object elsewhere (issue 22 #2)."""

SENSITIVE: dict[str, tuple[frozenset[str], str | None]] = {
    "post_cost": (frozenset({"national", "regional"}), "chef-de-projet"),
    "binome_company": (frozenset({"national", "regional"}), None),
    "undecided_amount": (frozenset({"national", "regional", "instructor"}), None),
}
"""Field family -> (roles that see it, the programme whose instructors also see it). Platform rule: the issue asks
for a role; a reader never sees them, an instructor sees the amounts of its own programme's dossiers only."""


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
        return self.role != "regional" or self.region in wanted

    def require_region(self, regions: Iterable[str | None] | str | None) -> None:
        """Refuse (403 OUT_OF_REGION) an object of another region."""
        if not self.sees(regions):
            raise ForbiddenError(
                f"Ce jeton est limité à la région {self.region} : cette ressource relève d'une autre région.",
                code="OUT_OF_REGION",
            )

    def region_filter(self, asked: str | None) -> str | None:
        """A list's region filter: a regional caller's lists are its region's; asking for another is refused."""
        if self.role != "regional":
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

    def may_see(self, family: str) -> bool:
        """Whether the sensitive fields of this family (`SENSITIVE`) are shown to the caller."""
        roles, also = SENSITIVE[family]
        return self.role in roles or (also is not None and self.role == "instructor" and self.programme == also)

    def hide(self, family: str, values: dict[str, object], fields: Iterable[str]) -> dict[str, object]:
        """`values` with `fields` set to null unless the caller may see this family."""
        if self.may_see(family):
            return values
        return {**values, **dict.fromkeys(fields)}
