-- grain: one row per (reporting source, outcome) for one unit; an incident counts under every source
-- that reported it, so incident rows do not add up across sources
-- params: $unit $date_from $date_to $place $outcome $grade (null = no filter)
-- reads: filtered_units (sql/macros), stg_facts, incident_facts
with

filtered as (
    select * from filtered_units($unit, $date_from, $date_to, $place, $outcome, $grade)
),

incident_members as (
    select distinct
        l.incident_id,
        f.source
    from incident_facts as l
    inner join stg_facts as f on f.fact_id = l.fact_id
    where l.role = 'member'
),

unit_sources as (
    select
        u.*,
        case when u.unit = 'incident' then m.source else u.source end as reporting_source
    from filtered as u
    left join incident_members as m on u.unit = 'incident' and m.incident_id = u.unit_id
),

totals as (
    select
        reporting_source as source,
        outcome,
        count(*) as n,
        sum(low) as low,
        sum(best) as best,
        sum(high) as high,
        bool_or(high_open) as high_open
    from unit_sources
    group by all
),

ordered as (
    select * from totals
    order by source, outcome
)

select * from ordered
