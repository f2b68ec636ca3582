"""tdi_contracts: the event contracts shared by the services and partners of Territoires d'industrie.

Pure (no I/O): envelope, payload models, topics, reference data. Start with `tdi_contracts.envelope`.
"""

__version__ = "0.1.0"
