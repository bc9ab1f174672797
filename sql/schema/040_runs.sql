-- grain: one row per ETL run
create table if not exists runs (
    run_id             varchar primary key,
    started_at         timestamp not null,
    ended_at           timestamp,
    status             varchar not null,        -- running|completed|failed
    inputs             varchar,                 -- JSON list of the inputs given
    docs_seen          integer default 0,
    docs_new           integer default 0,
    docs_skipped       integer default 0,       -- already loaded (same content hash)
    docs_quarantined   integer default 0,
    facts_loaded       integer default 0,
    rows_quarantined   integer default 0,
    extractor_version  varchar,
    error              varchar
);
