"""How a service opens the door: `DemarchesWiring(...)`, then `routers=[w.router]`, `on_started=[w.start]`.

```python
wiring = DemarchesWiring(
    DemarchesSettings.for_service("funding"),
    translators={"fonds-vert": translate_fonds_vert},   # kind (settings file) -> Translator[Command]
    caller=Caller.system("demarches-simplifiees"),        # who the commands run as
)   # each command goes through the service's pipeline inside the door's transaction (`dispatch=` to change it)
app = create_service_app(settings, ..., routers=[..., wiring.router], on_started=[wiring.start])
```
Without settings files the door stays closed (the webhook answers 404 and nothing polls).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tdi_runtime.db import Connection
from tdi_runtime.doors.demarches import store
from tdi_runtime.doors.demarches.client import DemarchesClient
from tdi_runtime.doors.demarches.mapping import load_mappings
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.poller import DemarcheBinding, DemarchesDoor
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.doors.demarches.translator import Dispatch, Translator
from tdi_runtime.doors.demarches.webhook import webhook_router
from tdi_runtime.settings import ConfigurationError

if TYPE_CHECKING:
    from tdi_runtime.service import Runtime

C = TypeVar("C")
K = TypeVar("K")


class DemarchesWiring(Generic[C, K]):
    def __init__(
        self,
        settings: DemarchesSettings,
        *,
        translators: Mapping[str, Translator[C]],
        caller: K,
        dispatch: Dispatch[C, K] | None = None,
        client: Callable[[DemarchesSettings, DemarchesMetrics], DemarchesClient] | None = None,
    ) -> None:
        """`dispatch` runs a command inside the door's transaction; by default the service's own pipeline
        (`Pipeline.run(command, caller, conn=conn)`: the one way in). `client` builds the DS client (tests: one over
        `httpx.ASGITransport` to the local DS)."""
        self.settings = settings
        self.client = client
        self.dispatch = dispatch
        self.caller = caller
        self.bindings: dict[int, DemarcheBinding[C]] = {}
        for demarche, mapping in load_mappings(settings.mapping_files).items():
            if mapping.kind not in translators:
                known = ", ".join(sorted(translators)) or "none"
                raise ConfigurationError(
                    f"démarche {demarche}: kind {mapping.kind!r} has no translator in this service (known: {known})"
                )
            self.bindings[demarche] = DemarcheBinding(mapping, translators[mapping.kind])
        self.door: DemarchesDoor[C, K] | None = None
        self.router = webhook_router(settings, frozenset(self.bindings), lambda: self.door)

    async def start(self, rt: Runtime) -> None:
        """An `on_started` hook: after the kit's migrations (its tables), before the first request."""
        if not self.bindings:
            return
        self.settings.require_secrets(rt.settings.deployment)
        dispatch = self.dispatch if self.dispatch is not None else _through(rt)
        metrics = DemarchesMetrics(rt.metrics.registry, rt.settings.service)

        async def open_dead_letters(conn: Connection) -> None:
            counts = {d: 0 for d in self.bindings}
            for letter in await store.open_dead_letters(conn):
                counts[letter.demarche] = counts.get(letter.demarche, 0) + 1
            for demarche, count in counts.items():
                metrics.dead_letters.labels(rt.settings.service, str(demarche)).set(count)

        rt.metrics.add_refresher(open_dead_letters)
        self.door = DemarchesDoor(
            settings=self.settings,
            pool=rt.pool,
            bindings=self.bindings,
            dispatch=dispatch,
            caller=self.caller,
            metrics=metrics,
            client=None if self.client is None else lambda: self._client(metrics),
        )
        rt.doors.append(self.door)
        self.door.start()

    def _client(self, metrics: DemarchesMetrics) -> DemarchesClient:
        assert self.client is not None
        return self.client(self.settings, metrics)


def _through(rt: Runtime) -> Dispatch[Any, Any]:
    """The service's pipeline as the door's dispatch: each command through its handler, in the door's transaction."""
    pipeline = rt.pipeline
    if pipeline is None:
        raise ConfigurationError(
            "the Démarches simplifiées door needs the service's pipeline: create_service_app(registry=...)"
        )

    async def dispatch(command: Any, caller: Any, /, *, conn: Connection) -> object:
        return await pipeline.run(command, caller, conn=conn)

    return dispatch
