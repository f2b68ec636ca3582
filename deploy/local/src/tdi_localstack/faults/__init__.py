"""The fault suite (issue 16): break the running platform on purpose and prove nothing is lost or doubled.

`python -m tdi_localstack.faults [--full] [--only N ...]` (`make faults` = `--full`), reduced in `make test`
through `tests/faults` (`pytest -m faults`). Each run starts a broker, a database and the five services of its
own (`harness.fault_platform`: never the shared dev stack), drives a stream of staff and partner commands with
known ids through all five services (`stream.Stream`) while a scenario injects its faults (`harness.during`),
then the checker (`checker.check`) reads the whole history (every topic to its end offsets without a group,
every feedback and dead-letter topic, the services' APIs) and a replay of the reporting read models into a
fresh schema (`replay`), and prints per scenario: events, faults, lost, applied twice, over-commit.

Crash windows are hit exactly with the kit's crash points (`tdi_runtime.failpoints`, env `TDI_FAILPOINTS`):
`relay-after-ack@N` (the relay dies after the broker acknowledged its Nth batch, before marking the rows sent)
and `consumer-after-db-commit@N` (a consumer dies after its Nth database commit, before its offsets are marked).
"""
