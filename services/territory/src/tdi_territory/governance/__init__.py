"""The governance of a territory: binômes élus-industriels and chef de projet posts (shared or not)."""
