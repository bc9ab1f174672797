-- grain: one row per incident (one event, however many reports describe it); rebuilt by every run
create table if not exists incidents (
    incident_id      varchar primary key,   -- 'inc_' + 16 hex of sha256(outcome, first report's content hash, span)
    outcome          varchar not null,      -- killed|injured|missing|abducted|arrested|displaced
    event_date       date,                  -- the most precise member date (earliest on ties)
    date_precision   integer,
    place            varchar,               -- place as reported by the first report that names one
    country          varchar,
    admin1           varchar,
    lat              double,
    lon              double,
    cause            varchar,
    actor            varchar,
    victim_category  varchar,               -- most specific category among member reports
    status           varchar,               -- civilian|combatant|perpetrator|unknown (category roll-up)
    low              integer not null,      -- smallest credible figure across sources
    best             integer not null,      -- conservative figure: the lowest (ACLED)
    high             integer not null,      -- largest figure reported
    children         integer,               -- smallest children figure any member gives (null: none given)
    women            integer,               -- smallest women figure any member gives (null: none given)
    disputed         boolean not null,      -- sources disagree on the figure
    n_facts          integer not null,      -- member facts (one per document)
    n_documents      integer not null,
    n_sources        integer not null,      -- distinct publishers
    n_independent    integer not null,      -- distinct original sources (reported_by, else publisher)
    grade            varchar not null,      -- single_source|corroborated
    first_published  timestamp,
    last_published   timestamp
);
-- grain: one row per fact linked to an incident (members and their sub-counts)
create table if not exists incident_facts (
    fact_id      varchar primary key,
    incident_id  varchar not null,
    role         varchar not null,          -- member|part (a sub-count of a member; never added)
    used         boolean not null           -- member figure used in low/best/high (its source's latest report)
);
