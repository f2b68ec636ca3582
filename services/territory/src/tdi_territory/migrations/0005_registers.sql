-- The programme's registers (issue 24): sites clés en main France 2030 (a site may lie outside every territory,
-- P:599), écoles de production, laureates of the AMI Rebond industriel, regional chefs de projet (posts, never
-- people). `synthetic` marks demonstration data (make demo).
CREATE TABLE sites (
    id            uuid PRIMARY KEY,
    name          text    NOT NULL,
    commune_insee text    NOT NULL,
    departement   text    NOT NULL,
    region        text    NOT NULL,
    territory_id  text REFERENCES territories (id),
    criteria      text[]  NOT NULL,
    maturity      text    NOT NULL,
    proposed_on   date    NOT NULL,
    selected_on   date,
    synthetic     boolean NOT NULL DEFAULT false
);
CREATE INDEX sites_region ON sites (region);

CREATE TABLE site_supports (
    id           uuid PRIMARY KEY,
    site_id      uuid NOT NULL REFERENCES sites (id),
    support      text NOT NULL,
    amount_cents bigint CHECK (amount_cents >= 0),
    recorded_on  date NOT NULL
);
CREATE INDEX site_supports_site ON site_supports (site_id);

CREATE TABLE ecoles_de_production (
    id            uuid PRIMARY KEY,
    name          text    NOT NULL,
    commune_insee text    NOT NULL,
    departement   text    NOT NULL,
    region        text    NOT NULL,
    territory_id  text REFERENCES territories (id),
    opened_on     date    NOT NULL,
    via_programme boolean NOT NULL,
    synthetic     boolean NOT NULL DEFAULT false
);

CREATE TABLE rebond_laureates (
    territory_id   text PRIMARY KEY REFERENCES territories (id),
    laureate_since date    NOT NULL,
    source         text    NOT NULL,
    synthetic      boolean NOT NULL DEFAULT false
);

CREATE TABLE regional_posts (
    id           uuid PRIMARY KEY,
    region       text    NOT NULL,
    employer     text    NOT NULL,
    appointed_on date    NOT NULL,
    ended_on     date,
    synthetic    boolean NOT NULL DEFAULT false,
    CHECK (ended_on IS NULL OR ended_on >= appointed_on)
);
CREATE INDEX regional_posts_region ON regional_posts (region);
