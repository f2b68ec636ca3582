"""tdi_bench: the platform's paths measured against raw aiokafka / asyncpg baselines (`python -m tdi_bench`)."""
