"""The handler registry: one handler per class, found by class (HTTP) and by type name (Kafka), typed."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest
from mypy import api as mypy_api

from tdi_contracts.events.territory import EpciJoined, EpciLeft
from tdi_contracts.registry import spec_for
from tdi_runtime.pipeline import Registry, UnitOfWork
from tdi_runtime.testing import example_payload

ROOT = Path(__file__).resolve().parents[3]


def test_a_handler_is_found_by_its_class_and_by_its_kafka_type_name():
    registry: Registry[UnitOfWork] = Registry()

    @registry.handles(EpciJoined)
    async def joined(event: EpciJoined, uow: UnitOfWork) -> str:
        return event.epci_siren

    found = registry.for_command(example_payload(EpciJoined))
    assert found.handler is joined and registry.for_type(spec_for(EpciJoined).type) is found
    assert registry.for_type(spec_for(EpciLeft).type) is None
    with pytest.raises(LookupError):
        registry.for_command(example_payload(EpciLeft))


def test_a_service_registry_includes_a_base_registry_and_a_class_has_one_handler_only():
    base: Registry[UnitOfWork] = Registry()

    async def prefetch(events: Sequence[EpciLeft], uow: UnitOfWork) -> None:
        return None

    @base.handles(EpciLeft, prefetch=prefetch)
    async def left(event: EpciLeft, uow: UnitOfWork) -> None:
        return None

    service: Registry[UnitOfWork] = Registry(base)
    assert service.types == {spec_for(EpciLeft).type}
    assert service.for_command(example_payload(EpciLeft)).prefetch is prefetch
    with pytest.raises(ValueError, match="already has a handler"):
        service.handles(EpciLeft)(left)


def test_mypy_refuses_a_handler_registered_for_a_class_it_does_not_take(tmp_path):
    """Checked statically: the module is never run (it registers a class twice on purpose)."""
    module = tmp_path / "wrong_handler.py"
    module.write_text(
        textwrap.dedent(
            """
            from tdi_contracts.events.territory import CommuneAssigned, EpciJoined, EpciLeft
            from tdi_runtime.pipeline import Registry, UnitOfWork

            registry: Registry[UnitOfWork] = Registry()

            @registry.handles(EpciJoined)
            async def right(event: EpciJoined, uow: UnitOfWork) -> None: ...

            @registry.handles(EpciJoined)
            async def wrong(event: EpciLeft, uow: UnitOfWork) -> None: ...

            @registry.handles(EpciJoined, EpciLeft)
            async def both(event: EpciJoined | EpciLeft, uow: UnitOfWork) -> None: ...

            @registry.handles(CommuneAssigned, EpciLeft)
            async def half(event: CommuneAssigned, uow: UnitOfWork) -> None: ...
            """
        ),
        encoding="utf-8",
    )
    out, _, status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", "--follow-imports=silent", str(module)]
    )
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1 and len(errors) == 2, out
    assert "wrong_handler.py:10:" in errors[0] and "EpciLeft" in errors[0], "the decorator of `wrong`"
    assert "wrong_handler.py:16:" in errors[1] and "CommuneAssigned" in errors[1], "the decorator of `half`"
