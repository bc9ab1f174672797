-- grain: one row per fetched URL (a feed, a page given directly, or a feed entry's page)
create table if not exists fetch_state (
    url            varchar primary key,   -- the URL as requested (a feed entry's link, not the redirect target)
    kind           varchar not null,      -- feed|page|entry
    feed_url       varchar,               -- the feed an entry came from
    entry_id       varchar,               -- the feed entry's id/guid
    source         varchar,               -- source name from the sources file
    etag           varchar,               -- validators sent back as If-None-Match / If-Modified-Since
    last_modified  varchar,
    content_hash   varchar,               -- sha256 of the extracted text (= documents.content_hash), or of a feed body
    status         varchar not null,      -- ok|empty|error
    http_status    integer,
    error          varchar,               -- last failure, when status = error
    attempts       integer not null default 0,  -- consecutive failures
    fetched_at     timestamp not null     -- UTC time of the last request
);
