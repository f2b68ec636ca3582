"""One typed command pipeline: every door (HTTP, Kafka, the doors to come) runs the same handler.

    door → command + `Caller` → `Pipeline.run` (HTTP) / `EventConsumer` (Kafka, one unit of work per batch)
         → `Registry`: handler(command, uow) → pure domain decider
         → `UnitOfWork.flush()` (repositories: one `executemany` per statement) → outbox (+ inbox) → one commit

`caller` (who), `uow` (the transaction, repositories, outcome), `repository` (identity map, batch reads and
locks), `registry` (handlers by class), `pipeline` (the one-command door). How a service is wired:
`runtime/README.md`, *The pipeline*; the exemplar is the vte service.
"""

from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.pipeline.pipeline import Pipeline
from tdi_runtime.pipeline.registry import Registry
from tdi_runtime.pipeline.repository import Repository
from tdi_runtime.pipeline.uow import UnitOfWork, UnitOfWorkFactory, plain_unit_of_work

__all__ = ["Caller", "Pipeline", "Registry", "Repository", "UnitOfWork", "UnitOfWorkFactory", "plain_unit_of_work"]
