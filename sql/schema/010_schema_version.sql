-- grain: one row per applied schema migration (file name)
create table if not exists schema_version (
    version     varchar primary key,   -- file name of the applied migration, e.g. 020_documents.sql
    applied_at  timestamp not null default current_timestamp
);
