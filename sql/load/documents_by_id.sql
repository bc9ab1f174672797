-- grain: one row per document of $ids, with what re-extraction needs
with

wanted as (
    select
        doc_id,
        text,
        coalesce(published_date, cast(published_at as date)) as published_date,
        input_ref
    from documents
    where doc_id in (select unnest($ids::varchar[]))
)

select * from wanted order by doc_id
