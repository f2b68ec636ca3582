"""The Démarches simplifiées door (issue 25): dossiers of a démarche become typed commands of the owning service."""
