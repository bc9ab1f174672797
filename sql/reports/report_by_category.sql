-- grain: one row per outcome for one unit; status columns add up to best, children and women are sub-totals
-- params: $unit $date_from $date_to $place $outcome $grade (null = no filter)
-- reads: filtered_units (sql/macros)
with

filtered as (
    select * from filtered_units($unit, $date_from, $date_to, $place, $outcome, $grade)
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
