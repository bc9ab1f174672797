-- grain: one row: all document versions and the current ones
with

counted as (
    select
        count(*) as documents,
        count(*) filter (where superseded_by is null) as current_documents
    from documents
)

select * from counted
