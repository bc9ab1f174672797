-- grain: one row per fact linked to one incident (members first, then their sub-counts)
-- params: $incident_id
-- reads: incident_facts, stg_facts
with

links as (
    select * from incident_facts where incident_id = $incident_id
),

detail as (
    select
        l.role,
        l.used,
        f.fact_id,
        f.fact_class,
        f.class_reason,
        f.outcome,
        f.best,
        f.low,
        f.high,
        f.quote,
        f.source,
        f.url,
        f.published_at,
        f.title
    from links as l
    inner join stg_facts as f on f.fact_id = l.fact_id
    order by l.role, f.published_at nulls last, f.fact_id
)

select * from detail
