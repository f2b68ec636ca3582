-- A binôme recorded as demonstration data (`make demo`) says so, here and in its BinomeAppointed event, so the
-- dashboard labels it synthetic (issue 21). Every binôme recorded before is real.
ALTER TABLE binomes ADD COLUMN synthetic boolean NOT NULL DEFAULT false;
