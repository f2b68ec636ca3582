"""The governance of a territory: binômes élu–industriel and chef de projet posts (shared or not)."""
