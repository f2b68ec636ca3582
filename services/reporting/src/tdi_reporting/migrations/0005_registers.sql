-- The programme's registers (issue 24), one row per entry, folded from the territory topic: sites clés en main
-- France 2030, écoles de production, Rebond industriel laureates, regional chefs de projet. Region-level entries
-- are keyed by region on the topic, so one region's events arrive in order.
CREATE TABLE rm_site (
    site_id      text PRIMARY KEY,
    region       text,
    departement  text,
    territory_id text,
    criteria     text[],
    maturity     text,
    proposed_on  date,
    selected_on  date,
    synthetic    boolean
);
CREATE TABLE rm_ecole_de_production (
    ecole_id      text PRIMARY KEY,
    region        text NOT NULL,
    departement   text NOT NULL,
    territory_id  text,
    opened_on     date NOT NULL,
    via_programme boolean NOT NULL,
    synthetic     boolean NOT NULL
);
CREATE TABLE rm_rebond_laureate (
    territory_id   text PRIMARY KEY,
    laureate_since date NOT NULL,
    synthetic      boolean NOT NULL
);
CREATE TABLE rm_regional_post (
    post_id      text PRIMARY KEY,
    region       text NOT NULL,
    appointed_on date,
    ended_on     date,
    synthetic    boolean
);
CREATE TABLE rm_site_support (
    support_id   text PRIMARY KEY,
    site_id      text NOT NULL,
    support      text NOT NULL,
    amount_cents bigint
);
