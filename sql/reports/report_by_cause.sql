-- grain: one row per (cause, outcome) for one unit
-- params: $unit $date_from $date_to $place $outcome $grade (null = no filter)
-- reads: filtered_units (sql/macros)
with

filtered as (
    select * from filtered_units($unit, $date_from, $date_to, $place, $outcome, $grade)
),

totals as (
    select
        cause,
        outcome,
        count(*) as n,
        sum(low) as low,
        sum(best) as best,
        sum(high) as high,
        bool_or(high_open) as high_open
    from filtered
    group by all
),

ordered as (
    select * from totals
    order by cause, outcome
)

select * from ordered
