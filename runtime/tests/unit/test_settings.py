"""Service settings: the service's own database URL wins, the schema is the service's, env prefix per service."""

from tdi_runtime.settings import ServiceSettings


def test_the_service_database_url_wins_over_the_shared_one(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://shared@db/tdi")
    monkeypatch.setenv("TDI_FUNDING_DATABASE_URL", "postgresql://funding@db/tdi")
    monkeypatch.delenv("TDI_VTE_DATABASE_URL", raising=False)
    assert ServiceSettings.for_service("funding").database_url == "postgresql://funding@db/tdi"
    assert ServiceSettings.for_service("vte").database_url == "postgresql://shared@db/tdi"


def test_each_service_works_in_a_schema_named_after_it_unless_told_otherwise(monkeypatch):
    monkeypatch.setenv("TDI_VTE_DB_SCHEMA", "vte_blue")
    assert ServiceSettings.for_service("funding").db_schema == "funding"
    assert ServiceSettings.for_service("vte").db_schema == "vte_blue"


def test_the_broker_address_comes_from_kafka_bootstrap_servers(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9092,kafka-1:9092")
    monkeypatch.setenv("TDI_ACTIONS_COMMIT_INTERVAL_S", "0.25")
    settings = ServiceSettings.for_service("actions")
    assert settings.kafka_bootstrap_servers == "kafka-0:9092,kafka-1:9092"
    assert settings.commit_interval_s == 0.25
