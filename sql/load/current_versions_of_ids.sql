-- grain: one row per current document that is a version of a given (source, id) pair: same source (both
-- may be null) and doc_id equal to the id or '<id>~<hash>'
with

wanted as (
    select
        unnest($sources::varchar[]) as source,
        unnest($ids::varchar[]) as given_id
),

current_versions as (
    select
        d.doc_id,
        w.source,
        w.given_id
    from documents as d
    inner join wanted as w
        on (d.doc_id = w.given_id or starts_with(d.doc_id, w.given_id || '~'))
        and d.source is not distinct from w.source
    where d.superseded_by is null
)

select * from current_versions
