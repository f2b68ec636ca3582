"""Reference data of the territory service: the Temps II territory list and its INSEE code tables."""
