"""`make bench-e2e`: the whole platform (five services as processes, their own Kafka and PostgreSQL) measured
end to end against the broker's own tools in the same run (issue 15, scenarios 1, 2, 3 and 5)."""
