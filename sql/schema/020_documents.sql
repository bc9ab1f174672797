-- grain: one row per distinct document version (content hash)
create table if not exists documents (
    doc_id             varchar primary key,     -- given id, else first 16 hex of content_hash
    content_hash       varchar not null unique,  -- sha256 of text: idempotency key
    url                varchar,
    title              varchar,
    source             varchar,
    published_at       timestamp,
    retrieved_at       timestamp,
    input_ref          varchar,                  -- file:line or URL it was read from
    text               varchar not null,         -- raw text kept so facts can be re-derived
    superseded_by      varchar,                  -- doc_id of a newer version at the same URL
    extractor_version  varchar,
    run_id             varchar
);
