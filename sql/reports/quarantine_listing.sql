-- grain: one row per quarantined input or row
-- params: $run (a run id, 'latest' for the most recent run, or null for all runs)
-- reads: quarantine, runs
with

latest_run as (
    select run_id from runs order by started_at desc limit 1
),

listed as (
    select
        q.run_id,
        q.stage,
        q.input_ref,
        q.doc_id,
        q.failed_check,
        q.column_name,
        q.offending_value,
        q.reason
    from quarantine as q
    where $run is null
        or q.run_id = $run
        or ($run = 'latest' and q.run_id in (select run_id from latest_run))
    order by q.quarantined_at, q.run_id, q.input_ref
)

select * from listed
