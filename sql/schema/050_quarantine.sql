-- grain: one row per failed check on one input, document or fact row
create table if not exists quarantine (
    run_id          varchar not null,
    input_ref       varchar,                    -- file:line, URL or doc_id
    doc_id          varchar,
    stage           varchar not null,           -- read|extract|validate|load|fetch
    failed_check    varchar not null,
    column_name     varchar,
    offending_value varchar,
    reason          varchar not null,
    raw             varchar,                    -- the raw input where it fits
    quarantined_at  timestamp not null default current_timestamp
);
