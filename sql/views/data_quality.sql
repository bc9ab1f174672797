-- grain: one row per run (runs that loaded facts or quarantined rows, even without a runs row)
-- shows counted facts without date or place, the largest counted figure, and quarantined rows
-- reads: runs, stg_facts, quarantine
with

run_ids as (
    select run_id from runs
    union
    select run_id from stg_facts
    union
    select run_id from quarantine
),

fact_quality as (
    select
        run_id,
        count(*) as facts,
        count(*) filter (where is_counted) as facts_counted,
        count(*) filter (where is_counted and event_date is null) as counted_without_date,
        count(*) filter (where is_counted and place is null) as counted_without_place,
        count(*) filter (where fact_class = 'cumulative') as cumulative_not_summed,
        count(*) filter (where parent_fact_id is not null) as sub_counts,
        -- a check on outliers: one misread figure ("six million who perished") swamps every total
        max(best) filter (where is_counted) as largest_counted
    from stg_facts
    group by run_id
),

quarantine_counts as (
    select
        run_id,
        count(*) as rows_quarantined,
        count(distinct coalesce(doc_id, input_ref)) as inputs_quarantined
    from quarantine
    group by run_id
),

per_run as (
    select
        i.run_id,
        r.started_at,
        r.status,
        coalesce(f.facts, 0) as facts,
        coalesce(f.facts_counted, 0) as facts_counted,
        coalesce(f.counted_without_date, 0) as counted_without_date,
        coalesce(f.counted_without_place, 0) as counted_without_place,
        coalesce(f.cumulative_not_summed, 0) as cumulative_not_summed,
        coalesce(f.sub_counts, 0) as sub_counts,
        f.largest_counted,
        coalesce(q.rows_quarantined, 0) as rows_quarantined,
        coalesce(q.inputs_quarantined, 0) as inputs_quarantined
    from run_ids as i
    left join runs as r on r.run_id = i.run_id
    left join fact_quality as f on f.run_id = i.run_id
    left join quarantine_counts as q on q.run_id = i.run_id
)

select * from per_run
