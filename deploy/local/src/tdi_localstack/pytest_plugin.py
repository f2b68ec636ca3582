"""Pytest plugin: one real Kafka broker and PostgreSQL server shared by every integration test of a session."""
