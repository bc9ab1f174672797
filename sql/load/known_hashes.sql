-- grain: one row per content hash of $hashes already in the warehouse
with

known as (
    select content_hash
    from documents
    where content_hash in (select unnest($hashes::varchar[]))
)

select * from known
