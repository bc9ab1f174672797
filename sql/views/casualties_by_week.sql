-- grain: one row per (unit, week_start, outcome); weeks start on Monday (ISO)
-- reads: stg_units
with

units as (
    select * from stg_units
),

totals as (
    select
        unit,
        cast(date_trunc('week', event_date) as date) as week_start,
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
