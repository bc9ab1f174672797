-- grain: one row per pair of link candidates (a before b) that could describe the same event
-- params: $count_factor $count_slack (counts are compatible when larger <= factor * smaller + slack)
-- reads: link_candidates (the view sql/incidents/link_candidates.sql)
with

candidates as (
    select * from link_candidates
),

pairs as (
    select
        a.fact_id as fact_a,
        b.fact_id as fact_b,
        abs(date_diff('day', a.link_day, b.link_day)) as day_gap
    from candidates as a
    inner join candidates as b
        on a.outcome = b.outcome
        and a.seq < b.seq
        and a.doc_id <> b.doc_id
    where
        -- compatible place: same name; or one lies inside the other: one is named as the other's admin1
        -- region, or both are geocoded to one admin1 and one of them only to admin1 level (UCDP
        -- where_prec >= 4); never across countries
        a.place_key is not null and b.place_key is not null
        and (
            a.place_key = b.place_key
            or a.place_key = b.admin1_key or b.place_key = a.admin1_key
            or (
                a.admin1_key = b.admin1_key and a.country_key = b.country_key
                and greatest(a.geo_precision, b.geo_precision) >= 4
            )
        )
        and (a.country_key is null or b.country_key is null or a.country_key = b.country_key)
        -- dates within the slack both dates allow
        and a.link_day is not null and b.link_day is not null
        and abs(date_diff('day', a.link_day, b.link_day)) <= a.day_slack + b.day_slack
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
