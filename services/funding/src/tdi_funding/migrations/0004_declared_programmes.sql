-- Programmes beside the State's catalogue, declared by the partner operating them (issue 24, C2): an open programme
-- code on the wire (v2 events); the operator decides on its dossiers.
CREATE TABLE programmes (
    code                      text    PRIMARY KEY,
    label                     text    NOT NULL,
    operator                  text    NOT NULL,
    instruments               text[]  NOT NULL,
    project_types             text[]  NOT NULL,
    labelled_territories_only boolean NOT NULL,
    declared_on               date    NOT NULL
);
