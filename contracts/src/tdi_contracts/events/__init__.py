"""Payload models of every event and command, one subpackage or module per service."""
