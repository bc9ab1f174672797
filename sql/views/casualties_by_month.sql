-- grain: one row per (unit, month, outcome); month is its first day
-- reads: stg_units
with

units as (
    select * from stg_units
),

totals as (
    select
        unit,
        cast(date_trunc('month', event_date) as date) as month,
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
