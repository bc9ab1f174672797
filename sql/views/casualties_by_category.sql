-- grain: one row per (unit, outcome); victim status columns add up to best, children and women are
-- sub-totals (of civilian or unknown) shown as their own columns and never added again
-- reads: stg_units
with

units as (
    select * from stg_units
),

totals as (
    select
        unit,
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
    from units
    group by unit, outcome
)

select * from totals
