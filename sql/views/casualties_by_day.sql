-- grain: one row per (unit, event_date, outcome)
-- reads: stg_units
with

units as (
    select * from stg_units
),

totals as (
    select
        unit,
        event_date,
        outcome,
        count(*) as n,
        sum(low) as low,
        sum(best) as best,
        sum(high) as high,
        bool_or(high_open) as high_open
    from units
    group by all
)

select * from totals
