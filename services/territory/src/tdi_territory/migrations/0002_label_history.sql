-- The label over time: when a territory was labelled (2023-11-09 for the annex's, staff's date for one added
-- later) and when it lost its label (history kept: its rows stay). A territory's name is listed once.
ALTER TABLE territories ADD COLUMN labelled_on date NOT NULL DEFAULT '2023-11-09';
ALTER TABLE territories ADD COLUMN label_withdrawn_on date;
ALTER TABLE territories ADD CONSTRAINT label_withdrawn_after_labelled
    CHECK (label_withdrawn_on IS NULL OR label_withdrawn_on >= labelled_on);
ALTER TABLE territories ADD CONSTRAINT withdrawn_iff_not_labelled
    CHECK ((status = 'withdrawn') = (label_withdrawn_on IS NOT NULL) AND labelled_for_temps_ii = (status = 'active'));
CREATE UNIQUE INDEX territory_name_listed_once ON territories (name_normalised);
