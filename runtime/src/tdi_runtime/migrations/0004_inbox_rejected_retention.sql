-- Rows of rejected records are purged sooner than the others (retention_inbox_rejected, 30 days): a partner's
-- refused records must not stay 120 days. This partial index keeps each purge batch an index range scan.
CREATE INDEX inbox_rejected_processed_at ON inbox (processed_at) WHERE outcome = 'rejected';
