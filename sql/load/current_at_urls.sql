-- grain: one row per current (not superseded) document whose url is in $urls
with

current_versions as (
    select
        doc_id,
        url
    from documents
    where superseded_by is null
      and url in (select unnest($urls::varchar[]))
)

select * from current_versions
