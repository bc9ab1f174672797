-- grain: one row per fact that can found or join an incident: counted facts, plus cumulative tolls,
-- which may join (update) an incident but never found one (can_seed = false); current documents only
-- reads: stg_facts
-- seq is the processing order of the linker: publication order, then content (never load order)
with

counted as (
    select * from stg_facts
    where is_counted or (fact_class = 'cumulative' and parent_fact_id is null)
),

keyed as (
    select
        fact_id,
        doc_id,
        content_hash,
        span_start,
        span_end,
        outcome,
        nullif(lower(trim(place)), '') as place_key,
        lower(trim(admin1)) as admin1_key,
        upper(trim(country)) as country_key,
        geo_precision,
        coalesce(event_date, published_date) as link_day,
        -- days of slack this fact's date allows: an exact day none, a week or a stand-in
        -- publication date three, a month fifteen, anything vaguer half a year
        case
            when event_date is null then 3
            when coalesce(date_precision, 1) <= 1 then 0
            when date_precision <= 3 then 3
            when date_precision = 4 then 15
            else 183
        end as day_slack,
        cause,
        victim_category,
        status,
        best,
        published_at,
        is_counted and count_anchor <> 'cumulative' as can_seed
    from counted
),

ordered as (
    select
        *,
        row_number() over (
            order by published_at nulls last, content_hash, span_start, span_end, outcome, fact_id
        ) as seq
    from keyed
)

select * from ordered
