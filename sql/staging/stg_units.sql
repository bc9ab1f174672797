-- grain: one row per counting unit: each counted fact (unit = 'fact') and each incident (unit = 'incident')
-- reads: stg_facts, incidents, incident_facts
with

counted_facts as (
    select * from stg_facts where is_counted
),

parts as (
    select
        parent_fact_id,
        sum(best) filter (where victim_category = 'child') as children,
        sum(best) filter (where victim_category = 'woman') as women
    from stg_facts
    where parent_fact_id is not null
    group by parent_fact_id
),

fact_units as (
    select
        'fact' as unit,
        f.fact_id as unit_id,
        f.outcome,
        f.event_date,
        f.place,
        f.country,
        f.admin1,
        f.cause,
        f.victim_category,
        f.status,
        f.low,
        f.best,
        f.high,
        f.high_open,
        case when f.victim_category = 'child' then f.best when p.children is not null then least(f.best, p.children) end as children,
        case when f.victim_category = 'woman' then f.best when p.women is not null then least(f.best, p.women) end as women,
        i.grade,
        i.disputed,
        f.source
    from counted_facts as f
    left join parts as p on p.parent_fact_id = f.fact_id
    left join incident_facts as l on l.fact_id = f.fact_id
    left join incidents as i on i.incident_id = l.incident_id
),

incident_units as (
    select
        'incident' as unit,
        incident_id as unit_id,
        outcome,
        event_date,
        place,
        country,
        admin1,
        cause,
        victim_category,
        status,
        low,
        best,
        high,
        high_open,
        children,
        women,
        grade,
        disputed,
        cast(null as varchar) as source
    from incidents
),

units as (
    select * from fact_units
    union all
    select * from incident_units
)

select * from units
