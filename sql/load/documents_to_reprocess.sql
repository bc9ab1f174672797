-- grain: one row per current document whose facts came from another extractor version (all with $everything)
with

stale as (
    select doc_id
    from documents
    where superseded_by is null
      and ($everything or extractor_version is distinct from $version)
)

select * from stale order by doc_id
