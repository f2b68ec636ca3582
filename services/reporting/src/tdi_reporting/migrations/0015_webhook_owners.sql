-- Webhooks of their own (issue 25): a subscription's owner is the caller who created it, by subject (`created_by`,
-- already kept), role and scope (a regional owner's region, a territory owner's territory, a partner's slug).
-- Subscriptions created before were national staff's.
ALTER TABLE webhook_subscriptions
    ADD COLUMN owner_role  text NOT NULL DEFAULT 'national',
    ADD COLUMN owner_scope text;
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_role, owner_scope, created_by);
