-- grain: one row per (country, admin1, place, outcome) for one unit
-- params: $unit $date_from $date_to $place $outcome $grade (null = no filter)
-- reads: stg_units
with

filtered as (
    select * from stg_units
    where unit = $unit
        and ($date_from is null or event_date >= cast($date_from as date))
        and ($date_to is null or event_date <= cast($date_to as date))
        and ($place is null or contains(lower(concat_ws(' ', place, admin1, country)), lower($place)))
        and ($outcome is null or outcome = $outcome)
        and ($grade is null or grade = $grade)
),

totals as (
    select
        country,
        admin1,
        place,
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
    order by country, admin1, place, outcome
)

select * from ordered
