"""The typed handler registry: one handler per command (or event) class, whatever door it came through.

    registry: Registry[VteUnitOfWork] = Registry(TERRITORY_PROJECTION)   # includes the kit's projection

    @registry.handles(RecordVteContractV2, prefetch=warm)
    async def record_contract(command: RecordVteContractV2, uow: VteUnitOfWork) -> VteContract: ...

    @registry.handles(DeclareVteGreenMission, EndVteContractV2)       # one handler for several classes
    async def follow_up(command: DeclareVteGreenMission | EndVteContractV2, uow: VteUnitOfWork) -> None: ...

mypy checks that a handler takes every class it is registered for (a union of them) and the registry's unit
of work. The Kafka door finds a handler by the record's type (`spec_for(model).type`), HTTP by the command's class.
`prefetch(commands, uow)` warms the repositories for a whole consumer batch (locks and `get_many`): it is called
once per batch with every new command of the handlers that share it, before them; never in careful mode (one
savepoint per event), where handlers read for themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from tdi_contracts.base import ContractModel
from tdi_contracts.registry import spec_for
from tdi_runtime.pipeline.uow import UnitOfWork

C = TypeVar("C")
C2 = TypeVar("C2")
C3 = TypeVar("C3")
C4 = TypeVar("C4")
U = TypeVar("U", bound=UnitOfWork)
R = TypeVar("R")

HandlerFn = Callable[[C, U], Awaitable[R]]
PrefetchFn = Callable[[Sequence[C], U], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Registration:
    """One handler, the type name it is found by on Kafka and the class it is found by over HTTP."""

    type_name: str
    model: type[Any]
    handler: Callable[[Any, Any], Awaitable[object]]
    prefetch: Callable[[Sequence[Any], Any], Awaitable[None]] | None = None


class Registry(Generic[U]):
    """Handlers by command class; `included` registries (e.g. the kit's territory projection) come first."""

    def __init__(self, *included: Registry[UnitOfWork]) -> None:
        self._by_type: dict[str, Registration] = {}
        self._by_class: dict[type[Any], Registration] = {}
        for other in included:
            self.include(other)

    @overload
    def handles(
        self, command: type[C], /, *, prefetch: PrefetchFn[C, U] | None = None
    ) -> Callable[[HandlerFn[C, U, R]], HandlerFn[C, U, R]]: ...

    @overload
    def handles(
        self, command: type[C], c2: type[C2], /, *, prefetch: PrefetchFn[C | C2, U] | None = None
    ) -> Callable[[HandlerFn[C | C2, U, R]], HandlerFn[C | C2, U, R]]: ...

    @overload
    def handles(
        self, command: type[C], c2: type[C2], c3: type[C3], /, *, prefetch: PrefetchFn[C | C2 | C3, U] | None = None
    ) -> Callable[[HandlerFn[C | C2 | C3, U, R]], HandlerFn[C | C2 | C3, U, R]]: ...

    @overload
    def handles(
        self,
        command: type[C],
        c2: type[C2],
        c3: type[C3],
        c4: type[C4],
        /,
        *,
        prefetch: PrefetchFn[C | C2 | C3 | C4, U] | None = None,
    ) -> Callable[[HandlerFn[C | C2 | C3 | C4, U, R]], HandlerFn[C | C2 | C3 | C4, U, R]]: ...

    def handles(self, *commands: type[Any], prefetch: Any = None) -> Any:
        """Register the decorated function as the handler of each class (it takes their union)."""

        def register(handler: Any) -> Any:
            for command in commands:
                self._add(Registration(_type_name(command), command, handler, prefetch))
            return handler

        return register

    def include(self, other: Registry[UnitOfWork]) -> None:
        """Every handler of `other` (whose handlers take any unit of work), as if registered here."""
        for registration in other._by_type.values():
            self._add(registration)

    def _add(self, registration: Registration) -> None:
        if registration.type_name in self._by_type:
            raise ValueError(f"{registration.type_name} already has a handler")
        self._by_type[registration.type_name] = registration
        self._by_class[registration.model] = registration

    def for_type(self, type_name: str) -> Registration | None:
        """The handler of a Kafka record's type (`ce_type`), if any."""
        return self._by_type.get(type_name)

    def for_command(self, command: object) -> Registration:
        """The handler of a command object (HTTP and any one-command door); LookupError when none."""
        found = self._by_class.get(type(command))
        if found is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        return found

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._by_type)


def _type_name(model: type[Any]) -> str:
    """A contract payload's CloudEvents type; a service's own (HTTP-only) command class by its qualified name."""
    if isinstance(model, type) and issubclass(model, ContractModel):
        try:
            return spec_for(model).type
        except KeyError:
            pass
    return f"{model.__module__}.{model.__qualname__}"
