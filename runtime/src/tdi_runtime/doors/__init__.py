"""Doors: thin adapters that turn what arrives from outside the platform into typed commands for a service.

`demarches`: the Démarches simplifiées connector (polls dossiers, a webhook triggers a poll).
"""
