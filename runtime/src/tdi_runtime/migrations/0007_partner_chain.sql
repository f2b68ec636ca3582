-- The partner chain (issue 26): one link per event of a partner this service accepted, in acceptance order,
-- appended in the transaction that records the event in the inbox. The head row of each partner is the lock that
-- serialises appends across consumer instances and partitions (SELECT ... FOR UPDATE), and holds the last link.
CREATE TABLE IF NOT EXISTS partner_chain_heads (
    partner   text PRIMARY KEY,
    seq       bigint NOT NULL DEFAULT 0,
    link_hash text NOT NULL DEFAULT repeat('0', 64)
);

CREATE TABLE IF NOT EXISTS partner_chain (
    partner     text NOT NULL,
    seq         bigint NOT NULL,
    source      text NOT NULL,
    event_id    text NOT NULL,
    event_hash  text NOT NULL,
    prev_hash   text NOT NULL,
    link_hash   text NOT NULL,
    accepted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner, seq)
);
