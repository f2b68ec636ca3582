"""`python -m tdi_localstack`: start the local stack or the whole platform, create topics, prepare databases."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from pathlib import Path

import typer
from rich.console import Console

from tdi_localstack import provisioning
from tdi_localstack.paths import repo_root
from tdi_localstack.stack import LocalStack
from tdi_partner.terminal import console_for

app = typer.Typer(help="The Territoires d'industrie platform on this machine, no Docker needed.", no_args_is_help=True)


def _until_stopped(console: Console) -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        console.print("\nStopping…")


_CLUSTER = typer.Option(
    False, "--cluster", help="Three Kafka nodes (replication 3, min in-sync 2) and a synchronous PostgreSQL standby"
)


def _stopping_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM (`kill`, a supervisor) take the same path: KeyboardInterrupt, then cleanup."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def _stack(data_dir: Path | None, cluster: bool = False) -> LocalStack:
    folder = data_dir or repo_root() / ".tdi" / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if cluster:
        return LocalStack(data_dir=folder, keep_data=True, brokers=3, standby=True)
    return LocalStack(data_dir=folder, keep_data=True)


@app.command()
def up(
    data_dir: Path | None = typer.Option(None, help="Kept between runs; default .tdi/data"), cluster: bool = _CLUSTER
) -> None:
    """Start Kafka and PostgreSQL only, write their settings to .tdi/stack.env, run until Ctrl-C."""
    console = console_for()
    _stopping_on_signals()
    with contextlib.suppress(KeyboardInterrupt), _stack(data_dir, cluster) as stack:  # interrupted while starting
        env_file = repo_root() / ".tdi" / "stack.env"
        stack.write_env_file(env_file)
        for key, value in stack.env().items():
            console.print(f"{key}={value}", markup=False)
        console.print(f"Settings written to {env_file}. Ctrl-C stops everything.", markup=False)
        _until_stopped(console)
    console.print("Everything stopped: Kafka and PostgreSQL.")


@app.command()
def run(
    data_dir: Path | None = typer.Option(None, help="Kept between runs; default .tdi/data"),
    demo: bool = typer.Option(False, help="Load the synthetic demonstration data once everything is ready"),
    cluster: bool = _CLUSTER,
) -> None:
    """Start the stack and the five services; print where each answers; Ctrl-C stops everything."""
    console = console_for()
    _stopping_on_signals()
    with contextlib.suppress(KeyboardInterrupt):  # interrupted while starting: all was stopped on the way out
        _run(console, data_dir, demo, cluster)
    console.print("Everything stopped: the five services, Kafka and PostgreSQL.")


def _run(console: Console, data_dir: Path | None, demo: bool, cluster: bool) -> None:
    from tdi_localstack.platform import staff_token, start_services, stop_services, wait_ready, write_services_file
    from tdi_localstack.ports import STABLE_PORTS

    began = time.monotonic()
    with _stack(data_dir, cluster) as stack:
        stack.write_env_file(repo_root() / ".tdi" / "stack.env")
        stack_s = time.monotonic() - began
        token = staff_token(repo_root() / ".tdi")
        services = start_services(stack, repo_root() / ".tdi" / "logs", token, stable_ports=True)
        try:
            wait_ready(services)
            write_services_file(services, repo_root() / ".tdi" / "services.json")
            console.print(
                f"Territoires d'industrie platform ready in {time.monotonic() - began:.1f}s (stack {stack_s:.1f}s)"
            )
            for s in services:
                console.print(f"  {s.name:<10} health {s.url}/readyz   docs {s.url}/docs   log {s.log}", markup=False)
                if s.fell_back:
                    wanted = STABLE_PORTS[s.name]
                    console.print(
                        f"  port {wanted} is taken: {s.name} serves on {s.port} this time", style="bold yellow"
                    )
            console.print(f"Kafka: {stack.bootstrap_servers}   PostgreSQL: {stack.database_url}", markup=False)
            console.print(
                f"Every route needs the staff token: Authorization: Bearer {token} (.tdi/staff-token)", markup=False
            )
            reporting = next(s for s in services if s.name == "reporting")
            console.print(f"Dashboard: {reporting.url}/tableau-de-bord#access_token={token}", markup=False)
            if demo:
                from tdi_localstack.demo import run_demo

                run_demo(repo_root() / ".tdi", console.out)
            console.print("Ctrl-C stops everything.")
            _until_stopped(console)
        finally:
            stop_services(services)


@app.command()
def promote(database_url: str = typer.Option(..., envvar="DATABASE_URL", help="The multi-host address")) -> None:
    """The operator's failover on a `--cluster` stack: the standby becomes the primary, a still running old primary
    is fenced (read-only, its sessions ended); services carry on through the multi-host address."""
    from tdi_localstack.postgres_standby import fail_over

    console_for().print(asyncio.run(fail_over(database_url)), markup=False)


@app.command("demo")
def demo_command() -> None:
    """Feed the platform started by `make run` with the synthetic demonstration data (HTTP and partner topics)."""
    from tdi_localstack.demo import run_demo

    run_demo(repo_root() / ".tdi", console_for().out)


acls_app = typer.Typer(help="The broker's ACLs, derived from the contracts (deploy/kafka/acls.json).")
app.add_typer(acls_app, name="acls")


@acls_app.command("export")
def acls_export() -> None:
    """Rewrite deploy/kafka/acls.json from tdi_contracts.access."""
    console = console_for()
    from tdi_localstack.acls import ACL_FILE, render

    ACL_FILE.write_text(render(), encoding="utf-8")
    console.print(f"written {ACL_FILE}")


@acls_app.command("apply")
def acls_apply(
    bootstrap: str = typer.Option(..., envvar="KAFKA_BOOTSTRAP_SERVERS"),
    admin_user: str = typer.Option("admin", envvar="KAFKA_SASL_USERNAME"),
    admin_password: str = typer.Option(..., envvar="KAFKA_SASL_PASSWORD"),
) -> None:
    """Create every ACL of deploy/kafka/acls.json on the broker, logged in as its admin (idempotent)."""
    console = console_for()
    from tdi_localstack.acls import apply

    console.print(f"{apply(bootstrap, admin_user, admin_password)} ACL bindings applied")


quotas_app = typer.Typer(help="Per-partner Kafka client quotas, declared in the contracts (deploy/kafka/quotas.json).")
app.add_typer(quotas_app, name="quotas")


@quotas_app.command("export")
def quotas_export() -> None:
    """Rewrite deploy/kafka/quotas.json from tdi_contracts.access.PARTNER_QUOTAS."""
    console = console_for()
    from tdi_localstack.quotas import QUOTA_FILE, render

    QUOTA_FILE.write_text(render(), encoding="utf-8")
    console.print(f"written {QUOTA_FILE}")


@quotas_app.command("apply")
def quotas_apply(
    bootstrap: str = typer.Option(..., envvar="KAFKA_BOOTSTRAP_SERVERS"),
    admin_user: str = typer.Option("admin", envvar="KAFKA_SASL_USERNAME"),
    admin_password: str = typer.Option(..., envvar="KAFKA_SASL_PASSWORD"),
    file: Path | None = typer.Option(None, help="Another quota file (default deploy/kafka/quotas.json)"),
) -> None:
    """Set every partner user's quotas of the file on the broker with kafka-configs (idempotent)."""
    console = console_for()
    from tdi_localstack import quotas

    count = quotas.apply(bootstrap, admin_user, admin_password, file or quotas.QUOTA_FILE)
    console.print(f"quotas set for {count} partner users")


@quotas_app.command("describe")
def quotas_describe(
    bootstrap: str = typer.Option(..., envvar="KAFKA_BOOTSTRAP_SERVERS"),
    admin_user: str = typer.Option("admin", envvar="KAFKA_SASL_USERNAME"),
    admin_password: str = typer.Option(..., envvar="KAFKA_SASL_PASSWORD"),
) -> None:
    """Print the user quotas the broker holds (read back from the broker)."""
    console = console_for()
    from tdi_localstack import quotas

    for user, values in sorted(quotas.describe(bootstrap, admin_user, admin_password).items()):
        console.print(f"{user}: " + ", ".join(f"{k}={v:.0f}" for k, v in sorted(values.items())))


@app.command()
def topics(
    bootstrap: str = typer.Option(..., envvar="KAFKA_BOOTSTRAP_SERVERS"), replication_factor: int = typer.Option(1)
) -> None:
    """Create every topic of the contracts catalogue that does not exist yet (idempotent)."""
    console = console_for()
    created = asyncio.run(provisioning.create_topics(bootstrap, replication_factor=replication_factor))
    console.print(f"{len(created)} topics created: {', '.join(created) or '-'}")


@app.command()
def dbinit(
    database_url: str = typer.Option(..., envvar="DATABASE_URL"),
    with_roles: bool = typer.Option(False, help="Create a login role per service (local only)"),
) -> None:
    """Create one schema per service in the database (idempotent)."""
    console = console_for()
    asyncio.run(provisioning.init_schemas(database_url, with_roles=with_roles))
    console.print(f"schemas ready: {', '.join(provisioning.SERVICES)}")
