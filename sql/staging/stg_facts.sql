-- grain: one row per fact of a current document version (all classes; is_counted marks what totals add up)
-- reads: facts, documents
with

current_documents as (
    select
        doc_id,
        content_hash,
        url,
        title,
        source,
        published_at,
        cast(published_at as date) as published_date
    from documents
    where superseded_by is null
),

facts_typed as (
    select
        f.fact_id,
        f.doc_id,
        f.outcome,
        coalesce(f.low, f.best) as low,
        f.best,
        coalesce(f.high, f.best) as high,
        f.high is null as high_open,
        f.qualifier,
        f.vague,
        coalesce(f.victim_category, 'unknown') as victim_category,
        f.victim_group,
        f.parent_fact_id,
        f.count_anchor,
        f.fact_class,
        f.class_reason,
        f.cause,
        f.actor,
        f.place,
        f.country,
        f.admin1,
        f.lat,
        f.lon,
        f.geo_precision,
        f.event_date,
        f.date_precision,
        f.reported_by,
        f.span_start,
        f.span_end,
        f.quote,
        f.rule,
        f.run_id
    from facts as f
),

joined as (
    select
        ft.*,
        d.content_hash,
        d.url,
        d.title,
        d.source,
        d.published_at,
        d.published_date,
        case
            when ft.victim_category in ('civilian', 'child', 'woman') then 'civilian'
            when ft.victim_category in ('combatant', 'perpetrator') then ft.victim_category
            else 'unknown'
        end as status,
        -- sub-counts nest inside their parent; background, repeats and cumulative tolls are never summed
        ft.parent_fact_id is null and ft.fact_class in ('news', 'perpetrator') as is_counted
    from facts_typed as ft
    inner join current_documents as d on d.doc_id = ft.doc_id
)

select * from joined
