-- What each lineage reference stands for (issue 26): the figure (read model, level, zone, measure, dimensions) and
-- the tick it describes, so `GET /api/lineage/L-…` answers the same lineage later (a PDF or an XLSX prints it).
CREATE TABLE lineage_refs (
    reference  text        PRIMARY KEY,
    query      jsonb       NOT NULL,
    tick       bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
