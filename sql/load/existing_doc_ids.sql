-- grain: one row per doc_id of $ids already in the warehouse
with

taken as (
    select doc_id
    from documents
    where doc_id in (select unnest($ids::varchar[]))
)

select * from taken
