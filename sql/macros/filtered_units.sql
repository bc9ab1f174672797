-- grain: one row per stg_units row of one unit (fact or incident) that passes the report filters;
-- a null filter does not filter. Every report and export reads its rows through this one macro.
-- params: p_unit p_date_from p_date_to p_place p_outcome p_grade
-- reads: stg_units
create or replace temp macro filtered_units(p_unit, p_date_from, p_date_to, p_place, p_outcome, p_grade) as table
    select * from stg_units
    where unit = p_unit
        and (p_date_from is null or event_date >= cast(p_date_from as date))
        and (p_date_to is null or event_date <= cast(p_date_to as date))
        and (p_place is null or contains(lower(concat_ws(' ', place, admin1, country)), lower(p_place)))
        and (p_outcome is null or outcome = p_outcome)
        and (p_grade is null or grade = p_grade)
