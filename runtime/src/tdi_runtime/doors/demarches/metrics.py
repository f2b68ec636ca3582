"""Prometheus metrics of the door, on the service's registry (`/metrics`)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class DemarchesMetrics:
    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.service = service
        self.read = Counter(
            "tdi_ds_dossiers_read",
            "Dossier snapshots read from Démarches simplifiées",
            ["service", "demarche"],
            registry=registry,
        )
        self.mapped = Counter(
            "tdi_ds_dossiers_mapped",
            "Snapshots applied: their commands ran",
            ["service", "demarche"],
            registry=registry,
        )
        self.unchanged = Counter(
            "tdi_ds_dossiers_unchanged",
            "Snapshots read again with nothing new (overlap, repeated polls): no effect",
            ["service", "demarche"],
            registry=registry,
        )
        self.refused = Counter(
            "tdi_ds_dossiers_refused",
            "Snapshots refused, kept as dead letters, by code",
            ["service", "demarche", "reason"],
            registry=registry,
        )
        self.requests = Counter(
            "tdi_ds_requests", "HTTP requests to the DS API by status", ["service", "status"], registry=registry
        )
        self.lag = Gauge(
            "tdi_ds_lag_seconds",
            "Age of the start of the last complete poll round: every change DS had before it is applied",
            ["service", "demarche"],
            registry=registry,
        )
        self.newest_change = Gauge(
            "tdi_ds_newest_change_timestamp_seconds",
            "dateDerniereModification of the newest snapshot handled (the watermark)",
            ["service", "demarche"],
            registry=registry,
        )
        self.failing = Gauge(
            "tdi_ds_failing_rounds",
            "Consecutive failed poll rounds (0: healthy)",
            ["service", "demarche"],
            registry=registry,
        )
        self.dead_letters = Gauge(
            "tdi_ds_dead_letters_open",
            "Dossiers refused and not yet resolved",
            ["service", "demarche"],
            registry=registry,
        )
