-- Issue 23: the indicators feed (IndicatorsPublished v2 on tdi.reporting.indicators.v1, compacted by scope). The
-- digest of the figures last published for each scope (its `as_of` left out): a scope is published again only
-- when one of its figures changed.
CREATE TABLE indicators_published (
    scope_id text PRIMARY KEY,
    digest text NOT NULL,
    published_at timestamptz NOT NULL
);
