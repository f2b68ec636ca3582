-- Alerts on the live streams (issue 26): each alert raised, and cleared once its cause is gone; at most one open
-- per kind and subject. The partners' answers (their feedback topics) feed the rejection-rate alert.
CREATE TABLE alerts (
    alert_id   bigserial   PRIMARY KEY,
    kind       text        NOT NULL,
    subject    text        NOT NULL,
    raised_at  timestamptz NOT NULL,
    cleared_at timestamptz,
    details    jsonb       NOT NULL
);
CREATE UNIQUE INDEX alerts_open ON alerts (kind, subject) WHERE cleared_at IS NULL;
CREATE INDEX alerts_raised ON alerts (raised_at);

-- One row per answer a partner got (PartnerEventAccepted / PartnerEventRejected), by the answer's event id.
CREATE TABLE rm_partner_answer (
    event_id    text        PRIMARY KEY,
    partner     text        NOT NULL,
    outcome     text        NOT NULL,            -- 'accepted' | 'rejected'
    code        text,
    answered_at timestamptz NOT NULL
);
CREATE INDEX rm_partner_answer_at ON rm_partner_answer (answered_at);
