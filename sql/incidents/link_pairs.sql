-- grain: one row per pair of link candidates (a before b) that could describe the same event
-- params: $count_factor $count_slack (counts are compatible when larger <= factor * smaller + slack)
-- reads: link_candidates (the view sql/incidents/link_candidates.sql)
-- candidate pairs come from equi-joins on place keys (blocking) filtered by the date window at once,
-- so the cost grows with reports per place, not with the square of all reports
with

-- materialized: the candidates view is computed once, not once per join
candidates as materialized (
    select * from link_candidates
    where place_key is not null and link_day is not null
),

-- compatible place, part 1: the same place name
same_name as (
    select a.fact_id as fact_a, b.fact_id as fact_b
    from candidates as a
    inner join candidates as b on a.outcome = b.outcome and a.place_key = b.place_key and a.seq < b.seq
    where abs(date_diff('day', a.link_day, b.link_day)) <= a.day_slack + b.day_slack
),

-- part 2: one is named as the other's admin1 region
named_region as (
    select a.fact_id as fact_a, b.fact_id as fact_b
    from candidates as a
    inner join candidates as b on a.outcome = b.outcome and a.place_key = b.admin1_key and a.seq < b.seq
    where abs(date_diff('day', a.link_day, b.link_day)) <= a.day_slack + b.day_slack
    union all
    select a.fact_id as fact_a, b.fact_id as fact_b
    from candidates as a
    inner join candidates as b on a.outcome = b.outcome and b.place_key = a.admin1_key and a.seq < b.seq
    where abs(date_diff('day', a.link_day, b.link_day)) <= a.day_slack + b.day_slack
),

-- part 3: both geocoded to one admin1, one of them only to admin1 level (UCDP where_prec >= 4)
geocoded_region as (
    select a.fact_id as fact_a, b.fact_id as fact_b
    from candidates as a
    inner join candidates as b
        on a.outcome = b.outcome
        and a.country_key = b.country_key
        and a.admin1_key = b.admin1_key
        and a.seq < b.seq
    where greatest(a.geo_precision, b.geo_precision) >= 4
        and abs(date_diff('day', a.link_day, b.link_day)) <= a.day_slack + b.day_slack
),

blocked as (
    select fact_a, fact_b from same_name
    union
    select fact_a, fact_b from named_region
    union
    select fact_a, fact_b from geocoded_region
),

pairs as (
    select
        a.fact_id as fact_a,
        b.fact_id as fact_b,
        abs(date_diff('day', a.link_day, b.link_day)) as day_gap
    from blocked as k
    inner join candidates as a on a.fact_id = k.fact_a
    inner join candidates as b on b.fact_id = k.fact_b
    where
        -- never two figures of one document, never across countries
        a.doc_id <> b.doc_id
        and (a.country_key is null or b.country_key is null or a.country_key = b.country_key)
        -- (dates within the slack both dates allow: checked in every block above)
        -- compatible cause and victims
        and (a.cause is null or b.cause is null or a.cause = b.cause)
        and (
            a.victim_category = b.victim_category
            or a.victim_category = 'unknown' or b.victim_category = 'unknown'
            or (a.status = b.status and (a.victim_category = a.status or b.victim_category = b.status))
        )
        -- counts that could describe one event
        and greatest(a.best, b.best) <= $count_factor * least(a.best, b.best) + $count_slack
)

select * from pairs
