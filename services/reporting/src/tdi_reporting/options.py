"""Settings of the reporting service beyond the kit's: which topics it folds, as which group, how many live
streams it holds and how often a caller may call its expensive routes (env `TDI_REPORTING_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_contracts.access import SERVICE_READS
from tdi_contracts.topics import consumer_group


class ReportingOptions(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TDI_REPORTING_", extra="ignore")

    consumer_group: str = Field(default=consumer_group("reporting"), description="Consumer group (and inbox)")
    topic_prefix: str = Field(default="", description="Prefix of the domain topics read (tests use their own)")
    feed_max_streams: int = Field(default=1000, ge=1, description="Live streams one instance holds (then 503)")
    feed_max_streams_per_caller: int = Field(
        default=10, ge=1, description="Live streams of one caller (token subject) on one instance (then 429)"
    )
    feed_listener_keepalive_s: float = Field(
        default=30.0, gt=0, description="How often the LISTEN connection is checked (a SELECT 1 on it)"
    )
    rate_reads_per_minute: float = Field(default=300, gt=0, description="Figures and read models per caller")
    rate_reads_burst: int = Field(default=60, ge=1)
    rate_exports_per_minute: float = Field(default=30, gt=0, description="Exports per caller")
    rate_exports_burst: int = Field(default=10, ge=1)
    rate_feed_opens_per_minute: float = Field(default=60, gt=0, description="Live streams opened per caller")
    rate_feed_opens_burst: int = Field(default=20, ge=1)
    rate_tickets_per_minute: float = Field(default=120, gt=0, description="Tickets issued per caller")
    rate_tickets_burst: int = Field(default=40, ge=1)
    rebuild_batch_max: int = Field(default=5000, ge=1, description="Records folded per transaction in a rebuild")
    state_identity: bool = Field(
        default=False,
        description="The State's identity on the dashboard (bloc marque « République française », Marianne fonts,"
        " State favicon): only on a State site (.gouv.fr, after the SIG's agrément); off for local runs, demo, CI",
    )
    snapshot_every_events: int = Field(
        default=50_000, ge=1, description="A snapshot of the figures every N events (besides each day's end)"
    )
    snapshot_interval_s: float = Field(
        default=300.0, ge=0, description="How often snapshots due are looked for (0: never, e.g. a test)"
    )
    indicators_interval_s: float = Field(
        default=10.0,
        ge=0,
        description="How often the indicators feed (tdi.reporting.indicators.v1) publishes the scopes whose figures"
        " changed (platform rule; 0: never, e.g. a test that publishes when it says)",
    )
    alert_envelope_committed_pct: float = Field(
        default=90.0, gt=0, description="An envelope committed above this share of its ceiling raises an alert"
    )
    alert_action_plan_idle_days: int = Field(
        default=90, ge=1, description="A territory's fiches actions with no change for this many days raise an alert"
    )
    alert_partner_reject_pct: float = Field(
        default=20.0, ge=0, description="A partner whose answers of the last hour are rejections above this share"
    )
    alert_partner_min_answers: int = Field(
        default=20, ge=1, description="Answers a partner needs in the hour before its rejection rate is judged"
    )
    alert_no_chef_de_projet_days: int = Field(
        default=90, ge=1, description="A labelled territory without a chef de projet for this many days"
    )
    alert_interval_s: float = Field(
        default=60.0, ge=0, description="How often alerts are judged besides after each batch (0: never, a test)"
    )
    ledger_payment_due_days: int = Field(
        default=730,
        ge=0,
        description="Days a commitment may wait for its payment (a State transfer: after its budget year's end)"
        " before the ledger calls the gap unexplained (platform rule)",
    )
    webhook_interval_s: float = Field(
        default=1.0,
        ge=0,
        description="How often due webhook deliveries are looked for, besides after each batch"
        " (0: no delivery worker in this process)",
    )
    webhook_batch_max: int = Field(default=100, ge=1, le=1000, description="Events in one webhook POST at most")
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="Wait for a receiver's answer")
    webhook_concurrency: int = Field(default=4, ge=1, description="Subscriptions delivered at once per instance")
    webhook_backoff_base_s: float = Field(default=5.0, gt=0, description="First retry wait (then doubling)")
    webhook_backoff_cap_s: float = Field(default=3600.0, gt=0, description="Longest retry wait")
    webhook_disable_after_s: float = Field(
        default=86_400.0, gt=0, description="A subscription failing this long (since its first failure) is disabled"
    )
    webhook_disable_after_attempts: int = Field(
        default=0, ge=0, description="…or after this many failed attempts of one batch (0: no attempt limit)"
    )
    webhook_retention_days: float = Field(default=7.0, gt=0, description="Delivery log kept this long")
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts a webhook may target whatever their address, and over http (tests: 127.0.0.1)",
    )
    webhook_page_max: int = Field(default=1000, ge=1, description="Events of one catch-up page at most")
    definition: int = Field(
        default=1, ge=1, description="Fold definition applied live (`folding.DEFINITIONS`; switch, then rebuild)"
    )

    @property
    def topics(self) -> list[str]:
        """Every domain topic of the contracts (reporting folds every domain event it has a fold for) and the partners'
        feedback topics (their answers feed the rejection-rate alert): `SERVICE_READS["reporting"]`."""
        return [self.topic_prefix + t for t in SERVICE_READS["reporting"]]
