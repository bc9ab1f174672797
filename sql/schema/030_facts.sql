-- grain: one row per extracted fact (one figure in one document)
create table if not exists facts (
    fact_id            varchar primary key,     -- doc_id#n
    doc_id             varchar not null,
    outcome            varchar not null,        -- killed|injured|missing|abducted|arrested|displaced
    low                integer,
    best               integer not null,
    high               integer,
    qualifier          varchar not null,        -- exact|at_least|more_than|up_to|nearly|approx|range|vague
    vague              boolean not null default false,
    vague_lexeme       varchar,
    victim_category    varchar,
    victim_group       varchar,
    parent_fact_id     varchar,
    count_anchor       varchar not null,        -- incremental|cumulative
    fact_class         varchar not null,        -- news|part|background|repeat|perpetrator|cumulative
    class_reason       varchar,
    cause              varchar,
    cause_text         varchar,
    actor              varchar,
    place              varchar,
    country            varchar,
    admin1             varchar,
    lat                double,
    lon                double,
    geo_precision      integer,
    event_date         date,
    date_precision     integer,
    reported_by        varchar,
    sentence_idx       integer,
    span_start         integer not null,
    span_end           integer not null,
    quote              varchar not null,
    rule               varchar not null,
    extractor_version  varchar not null,
    run_id             varchar not null
);
