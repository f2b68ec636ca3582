"""The idempotent consumer: a batch of records applied in one transaction with its inbox rows and outbox rows.

Per batch: decode every record against the contracts; drop events the inbox has already seen; apply the
rest through their handlers (the registry's, `tdi_runtime.pipeline`), one unit of work for the whole batch
(its prefetch warms the repositories once, its flush writes every change at the end); record them in the
inbox; write every outgoing record (events the handlers emit, dead letters, partner feedback) to the outbox;
commit; only then mark the offsets for commit.
A record that cannot be decoded, or that a handler rejects, becomes a dead letter (and a rejection
feedback on partner topics) and the partition moves on. A transient failure (database away) retries the
whole batch with backoff and never dead-letters anything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog

from tdi_contracts.chain import event_hash
from tdi_contracts.quoting import quote, sentence
from tdi_contracts.reference import Partner
from tdi_runtime import chain, failpoints, inbox
from tdi_runtime.deadletters import dead_letter, declared, fallback_dead_letter
from tdi_runtime.delivery import UNKNOWN_SOURCE, Delivery, Violation, decode_record
from tdi_runtime.errors import DomainError, is_transient
from tdi_runtime.handling import Feedback, InCommit
from tdi_runtime.lag import record_lag
from tdi_runtime.metrics import Metrics
from tdi_runtime.offsets import OffsetCommitter
from tdi_runtime.outbox import Outbox, OutgoingMessage
from tdi_runtime.partners import safe_field_errors
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.pipeline.registry import Registry
from tdi_runtime.pipeline.uow import UnitOfWork, UnitOfWorkFactory, plain_unit_of_work
from tdi_runtime.tracing import event_scope, mark_committed

log = structlog.get_logger(__name__)

CONFLICT_REASON = "Un événement de même identifiant mais de contenu différent a déjà été appliqué."
UNHANDLED_REASON = "Le type d'événement « {} » n'est pas accepté sur ce flux."
INTERNAL_REASON = "La plateforme n'a pas pu traiter l'événement ({}) ; il a été mis de côté pour analyse."


class _NeedsSavepointsError(Exception):
    """A handler failed on the fast path: redo the batch with one savepoint per event."""


@dataclass
class _Outcome:
    entries: list[inbox.Entry] = field(default_factory=list)
    retried: dict[inbox.Key, str] = field(default_factory=dict)  # key -> source of the rejected row it updates
    outgoing: list[OutgoingMessage] = field(default_factory=list)
    applied: int = 0
    rejected: list[str] = field(default_factory=list)
    chained: list[chain.Pending] = field(default_factory=list)  # accepted partner events: their chain's links


class EventConsumer:
    """One consumer group: `handle_batch(records, consumer)` is what its FastStream subscriber calls."""

    def __init__(
        self,
        *,
        service: str,
        group: str,
        pool: asyncpg.Pool,
        outbox: Outbox,
        registry: Registry[Any] | None = None,
        unit_of_work: UnitOfWorkFactory[Any] | None = None,
        prefetch: bool = True,
        metrics: Metrics | None = None,
        committer: OffsetCommitter | None = None,
        feedback: Feedback | None = None,
        strict: bool = False,
        backoff_max_s: float = 5.0,
        on_outbox: Callable[[], None] | None = None,
        in_commit: InCommit | None = None,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.service = service
        self.on_outbox = on_outbox
        """Called once a batch that added outbox rows has committed (the service wakes its relay)."""
        self.group = group
        self.pool = pool
        self.outbox = outbox
        self.registry: Registry[Any] = registry if registry is not None else Registry()
        self.unit_of_work = unit_of_work or plain_unit_of_work(service)
        self.prefetch = prefetch
        """Run the handlers' prefetch once per batch (fast path only: see `_prefetched`)."""
        self._system = Caller.system(service)
        self._partners: dict[Partner, Caller] = {}
        """One caller per partner (a frozen value): not one per delivery."""
        self.metrics = metrics
        self.committer = committer or OffsetCommitter()
        self.feedback = feedback or Feedback()
        self.strict = strict
        self.in_commit = in_commit
        """Runs last in the transaction of a batch that applied events (either mode)."""
        self.after_commit = after_commit
        """Called once a batch that applied events has committed."""
        self.backoff_max_s = backoff_max_s
        self.stopping = False
        self._defect_backoff = 0.0  # grows while the same batch keeps failing on a defect, resets on success
        self.retrying = 0
        """Consecutive failed attempts of the batch in flight: the consumer is paused (readiness says why)."""
        self.last_error = ""

    async def handle_batch(self, records: Sequence[Any], consumer: Any) -> bool:
        """Apply a batch; returns False if it was handed back to Kafka (stopping during an outage)."""
        started = time.perf_counter()
        deliveries = [decode_record(r) for r in records]
        careful, backoff = False, 0.05
        while True:
            try:
                outcome = await self._apply(deliveries, careful)
                break
            except _NeedsSavepointsError:
                careful = True
            except Exception as error:
                self._signal(error)
                if not is_transient(error):
                    # A defect of ours, not of the event: never let FastStream move past the batch.
                    self._defect_backoff = min(self._defect_backoff * 2 or 0.05, self.backoff_max_s)
                    log.exception(
                        "batch_failed_will_retry",
                        group=self.group,
                        records=len(records),
                        backoff_s=self._defect_backoff,
                    )
                    if self.metrics is not None:
                        self.metrics.failed.labels(self.service, "defect").inc()
                    _rewind(consumer, records)
                    await asyncio.sleep(self._defect_backoff)
                    return False
                if self.metrics is not None:
                    self.metrics.failed.labels(self.service, "consume").inc()
                if self.stopping:
                    _rewind(consumer, records)
                    return False
                log.warning("consume_retrying", group=self.group, error=repr(error), backoff_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.backoff_max_s)
        self._defect_backoff = 0.0
        mark_committed()  # on the batch span: where its hop ends in a per-hop budget
        self._signal(None)
        if outcome.outgoing and self.on_outbox is not None:
            self.on_outbox()  # relay now, not at the relay's next idle poll
        if outcome.applied and self.after_commit is not None:
            self.after_commit()
        failpoints.hit(failpoints.CONSUMER_AFTER_DB_COMMIT)
        self.committer.mark(consumer, records)
        if self.committer.closing:
            await self.committer.flush()
        self._observe(records, outcome, time.perf_counter() - started)
        if self.metrics is not None:
            record_lag(self.metrics, consumer, records)
        return True

    async def _apply(self, deliveries: list[Delivery], careful: bool) -> _Outcome:
        out = _Outcome()
        # Admission first: a record that could not be read, or whose producer or source is not the topic's
        # partner's, is refused whatever the inbox holds, and known there by its place only. So a partner never
        # learns from the answer whether another partner's event id exists (issue 22 #12).
        refusals = [d.violation or self.feedback.admit(d) for d in deliveries]
        keys = [_inbox_key(d, refusal) for d, refusal in zip(deliveries, refusals, strict=True)]
        async with self.pool.acquire() as conn, conn.transaction():
            known = await inbox.seen(conn, self.group, keys)
            admitted = [d for d, refusal in zip(deliveries, refusals, strict=True) if refusal is None]
            uow = self.unit_of_work(conn, self._system)  # the batch's: its repositories' identity maps span it
            if not careful and self.prefetch:
                await self._prefetched(uow, admitted, known)
            in_batch: dict[inbox.Key, inbox.Entry] = {}  # a Seen is built from it only for a repeat (rare)
            for d, refusal, key in zip(deliveries, refusals, keys, strict=True):
                prior = known.get(key)
                if key in in_batch:  # the producer published the same event twice in a row
                    prior = in_batch[key].as_seen()
                if prior is not None:
                    if (prior.topic, prior.partition, prior.offset) == (d.topic, d.partition, d.offset):
                        continue  # Kafka redelivered it: already handled, nothing to say twice
                    if prior.outcome == "applied":
                        if prior.digest != d.digest and not prior.same_content(d.digest, d.content_digest):
                            self._reject(d, Violation("CONFLICTING_REDELIVERY", CONFLICT_REASON), out, record=False)
                        else:
                            out.outgoing += self._duplicate(d, prior)
                        continue
                    if key in in_batch:  # rejected earlier in this batch: this copy replaces it
                        out.entries = [e for e in out.entries if e.key != key]
                    else:
                        out.retried[key] = prior.source  # rejected before: a corrected or re-driven copy
                if refusal is not None:
                    entry: inbox.Entry | None = self._reject(d, refusal, out, key=key)
                else:
                    entry = await self._apply_one(uow, d, careful, out)
                if entry is not None:
                    entry.replaces = out.retried.get(key)
                    in_batch[key] = entry
            if not careful:
                try:
                    await uow.flush()  # every repository's writes and deferred writes: one executemany each
                except Exception as error:
                    if is_transient(error):
                        raise
                    raise _NeedsSavepointsError from error  # find the event at fault, one by one
            await chain.append(conn, out.chained)  # last lock of the batch: each partner's chain head
            await inbox.record(conn, self.group, out.entries)
            await self.outbox.add(conn, out.outgoing)
            if out.applied and self.in_commit is not None:
                await self.in_commit(conn)
        return out

    def _caller_of(self, d: Delivery) -> Caller:
        """A partner's command acts as that partner; anything else as the service itself."""
        partner = self.feedback.partner_of(d)
        if partner is None:
            return self._system
        found = self._partners.get(partner)
        if found is None:
            found = self._partners[partner] = Caller.of_partner(partner)
        return found

    async def _prefetched(self, uow: UnitOfWork, deliveries: list[Delivery], known: Mapping[inbox.Key, Any]) -> None:
        """Each prefetch of the batch's handlers, once, with every new admitted command of the handlers sharing it
        (fast path only: in careful mode a savepoint rolled back must not leave a changed aggregate behind)."""
        batches: dict[Any, list[Any]] = {}
        for d in deliveries:
            registration = self.registry.for_type(d.event_type)
            if registration is not None and registration.prefetch is not None and (d.source, d.event_id) not in known:
                batches.setdefault(registration.prefetch, []).append(d.payload)
        try:
            for prefetch, commands in batches.items():
                await prefetch(commands, uow)
        except Exception as error:
            if is_transient(error):
                raise
            log.exception("batch_prefetch_failed", group=self.group, events=sum(map(len, batches.values())))
            raise _NeedsSavepointsError from error  # event by event, each handler reading for itself

    async def _apply_one(self, uow: UnitOfWork, d: Delivery, careful: bool, out: _Outcome) -> inbox.Entry | None:
        """Apply one admitted event through its handler, with its acceptance."""
        registration = self.registry.for_type(d.event_type)
        if registration is None:
            if self.strict and self.feedback.strict_for(d.topic):
                reason = UNHANDLED_REASON.format(quote(d.event_type))
                return self._reject(d, Violation("UNKNOWN_EVENT_TYPE", reason), out)
            return None  # consumers of domain topics pick the types they need and pass over the others
        uow.begin(self._caller_of(d), d)
        try:
            with event_scope(d):
                # An event never publishable, or an acceptance that cannot be built, refuses this event only.
                if careful:
                    uow.discard()  # read again what the events before it wrote
                    async with uow.conn.transaction():
                        await registration.handler(d.payload, uow)
                        await uow.flush()
                        self.outbox.check(uow.emitted)
                        accepted = self.feedback.accepted(d, uow.results)
                else:
                    await registration.handler(d.payload, uow)
                    self.outbox.check(uow.emitted)
                    accepted = self.feedback.accepted(d, uow.results)
        except Exception as error:
            if is_transient(error):
                raise
            if not careful:
                raise _NeedsSavepointsError from error
            uow.discard()  # the savepoint rolled back: nothing it read or changed stands
            if isinstance(error, DomainError):
                return self._reject(d, Violation(error.code, error.message, error.details), out)
            log.exception("handler_failed", group=self.group, event_id=d.event_id)
            return self._reject(d, Violation("INTERNAL_ERROR", INTERNAL_REASON.format(type(error).__name__)), out)
        out.outgoing += uow.emitted
        out.outgoing += accepted
        results = [list(r) for r in uow.results] or None
        entry = inbox.Entry(d.event_id, d.topic, d.partition, d.offset, "applied", d.digest, results, d.source)
        entry.content_digest = self._content_kept(d)
        out.entries.append(entry)
        out.applied += 1
        if (partner := self.feedback.partner_of(d)) is not None:
            hashed = event_hash(d.source, d.event_id, d.event_type, d.value)
            out.chained.append(chain.Pending(partner.value, d.source, d.event_id, hashed))
        return entry

    def _reject(
        self, d: Delivery, violation: Violation, out: _Outcome, *, record: bool = True, key: inbox.Key | None = None
    ) -> inbox.Entry:
        if declared(violation.code) != violation.code:  # a code missing from the contracts: a defect of ours
            log.error("undeclared_error_code", group=self.group, code=quote(violation.code), event_id=d.event_id)
            reason = f"{violation.reason} ({quote(violation.code, 80)})"
            violation = Violation(declared(violation.code), reason, violation.details)
        # Whatever the reason quotes from the record, it is made safe before it enters an answer.
        violation = Violation(violation.code, sentence(violation.reason), violation.details)
        code, reason = violation.code, violation.reason
        out.outgoing += self._built(
            "dead_letter",
            d,
            lambda: [dead_letter(d, self.group, code, reason)],
            lambda: [fallback_dead_letter(d, self.group, code)],
            code=code,
        )
        out.outgoing += self._built(
            "feedback",
            d,
            lambda: self.feedback.rejected(d, violation),
            lambda: self.feedback.rejected_fallback(d, code),
            code=code,
        )
        out.rejected.append(code)
        source, event_id = key or (d.source, d.event_id)
        # The answer kept for the HTTP door's receipts: the code, reason and field errors of the feedback.
        fields = [e.model_dump() for e in safe_field_errors(violation.details.get("field_errors") or [])]
        answer = {"code": code, "reason": reason, "field_errors": fields}
        entry = inbox.Entry(event_id, d.topic, d.partition, d.offset, "rejected", d.digest, answer, source=source)
        entry.content_digest = self._content_kept(d)
        if record:
            out.entries.append(entry)
        return entry

    def _content_kept(self, d: Delivery) -> str | None:
        """The content digest an inbox row keeps: only a partner's event has two doors (Kafka, HTTP) that serialise it
        differently; a domain event always travels as the bytes its producer's outbox stored (platform rule), so
        its copies are compared by bytes and its content digest is never computed."""
        return d.content_digest if self.feedback.partner_of(d) is not None else None

    def _duplicate(self, d: Delivery, prior: inbox.Seen) -> list[OutgoingMessage]:
        """The same answer again for an event published again; an acceptance without ids should it fail."""
        return self._built(
            "duplicate", d, lambda: self.feedback.duplicate(d, prior), lambda: self.feedback.accepted(d, [])
        )

    def _built(
        self,
        answer: str,
        d: Delivery,
        build: Callable[[], list[OutgoingMessage]],
        fallback: Callable[[], list[OutgoingMessage]],
        *,
        code: str = "",
    ) -> list[OutgoingMessage]:
        """What `build` makes (checked publishable), else what `fallback` makes; never raises: building an answer
        or a dead letter never stops a batch. A failure is a defect of ours, logged with the record's place."""
        try:
            messages = build()
            self.outbox.check(messages)
            return messages
        except Exception:
            log.exception("answer_build_failed", group=self.group, answer=answer, place=d.place, code=code)
        try:
            messages = fallback()
            self.outbox.check(messages)
            return messages
        except Exception:
            log.exception("answer_lost", group=self.group, answer=answer, place=d.place, code=code)
            return []

    def _signal(self, error: BaseException | None) -> None:
        """Count a failed attempt (or clear the count): `/readyz` and `tdi_retrying_attempts` show it."""
        self.retrying = 0 if error is None else self.retrying + 1
        self.last_error = "" if error is None else f"{type(error).__name__}: {error}"[:200]
        if self.metrics is not None:
            self.metrics.retrying.labels(self.service, self.group).set(self.retrying)

    def _observe(self, records: Sequence[Any], outcome: _Outcome, seconds: float) -> None:
        if self.metrics is None or not records:
            return
        topic = records[0].topic
        m = self.metrics
        m.handler_latency.labels(self.service, topic).observe(seconds)
        m.consumed.labels(self.service, topic, "applied").inc(outcome.applied)
        for code in outcome.rejected:
            m.consumed.labels(self.service, topic, "rejected").inc()
            m.dead_lettered.labels(self.service, topic, code).inc()


def _inbox_key(d: Delivery, refusal: Violation | None) -> inbox.Key:
    """Where the inbox knows a record: an admitted event by (source, id); a refused one by its place, a key no
    other record shares (a refusal never takes, nor reveals, the key of another producer's event)."""
    return (UNKNOWN_SOURCE, d.place) if refusal is not None else (d.source, d.event_id)


def _rewind(consumer: Any, records: Sequence[Any]) -> None:
    """Hand the batch back: seek each partition to its first unapplied record so nothing is skipped."""
    from aiokafka import TopicPartition

    earliest: dict[Any, int] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        earliest[tp] = min(earliest.get(tp, r.offset), r.offset)
    for tp, offset in earliest.items():
        consumer.seek(tp, offset)
