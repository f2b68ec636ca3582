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

Beyond one machine (issue 28, `scenarios_cluster*.py`, `--only c1` … `c5`): a second platform (`cluster.fault_cluster`)
with three Kafka nodes (replication 3, min in-sync 2; as root each in a network namespace of its own), a PostgreSQL
primary and its synchronous standby behind a multi-host address, two instances of every service sharing their
consumer groups, and one load balancer address per service (`balancer.py`: round robin over the instances whose
`/readyz` answers 200) that the stream's staff commands go through. c1 kill -9 of a Kafka node under load, three
times; c2 the primary killed and the standby promoted; c3 a rolling restart of every instance (SIGTERM: drain,
graceful shutdown); c4 a rolling restart of the Kafka nodes; c5 a node cut off from the others for 30 s (skipped
with its reason without network namespaces). The stream runs until the faults are done; `cluster_probes` adds an
answer probe (an ADEME application every 0.5 s: the longest time without any partner answer, `no_answer_s`, and
the longest wait, `longest_wait_s`) and a write probe (c2: the time without writes, and every acknowledged commit
still there). Each scenario also reports the HTTP commands refused and retried with their Idempotency-Key
(`http_refused`) and the brokers' own figure (leader election seen in the metadata, controlled shutdown, fencing).
"""
