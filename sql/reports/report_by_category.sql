-- grain: one row per outcome for one unit; status columns add up to best, children and women are sub-totals
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
        outcome,
        count(*) as n,
        sum(low) as low,
        sum(best) as best,
        sum(high) as high,
        bool_or(high_open) as high_open,
        coalesce(sum(best) filter (where status = 'civilian'), 0) as civilian,
        coalesce(sum(best) filter (where status = 'combatant'), 0) as combatant,
        coalesce(sum(best) filter (where status = 'perpetrator'), 0) as perpetrator,
        coalesce(sum(best) filter (where status = 'unknown'), 0) as unknown,
        coalesce(sum(children), 0) as children,
        coalesce(sum(women), 0) as women
    from filtered
    group by outcome
),

ordered as (
    select * from totals
    order by outcome
)

select * from ordered
