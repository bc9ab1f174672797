-- grain: one row per fact of one document (every class, superseded versions too)
-- params: $doc_id
-- reads: facts, incident_facts
with

doc_facts as (
    select * from facts where doc_id = $doc_id
),

detail as (
    select
        f.fact_id,
        f.fact_class,
        f.class_reason,
        f.parent_fact_id,
        f.outcome,
        f.best,
        f.low,
        f.high,
        f.quote,
        f.victim_category,
        f.place,
        f.event_date,
        l.incident_id
    from doc_facts as f
    left join incident_facts as l on l.fact_id = f.fact_id
    order by f.span_start, f.fact_id
)

select * from detail
