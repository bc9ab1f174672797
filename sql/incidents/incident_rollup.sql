-- grain: one row per incident, in the column order of the incidents table
-- reads: incident_facts, incident_assignment (temporary relation: fact_id, incident_id, seq), stg_facts
with

members as (
    select
        l.incident_id,
        l.used,
        a.seq,
        f.*,
        coalesce(f.source, f.doc_id) as publisher,
        coalesce(lower(trim(f.reported_by)), lower(trim(f.source)), f.doc_id) as origin
    from incident_facts as l
    inner join incident_assignment as a on a.fact_id = l.fact_id
    inner join stg_facts as f on f.fact_id = l.fact_id
    where l.role = 'member'
),

part_totals as (
    select
        l.incident_id,
        p.parent_fact_id,
        sum(p.best) filter (where p.victim_category = 'child') as children,
        sum(p.best) filter (where p.victim_category = 'woman') as women
    from incident_facts as l
    inner join stg_facts as p on p.fact_id = l.fact_id
    where l.role = 'part'
    group by all
),

member_figures as (
    select
        m.*,
        case when m.victim_category = 'child' then m.best when pt.children is not null then least(m.best, pt.children) end as m_children,
        case when m.victim_category = 'woman' then m.best when pt.women is not null then least(m.best, pt.women) end as m_women,
        row_number() over (partition by m.incident_id order by m.seq) as first_rank,
        row_number() over (
            partition by m.incident_id
            order by m.event_date is null, coalesce(m.date_precision, 9), m.event_date, m.seq
        ) as date_rank,
        row_number() over (
            partition by m.incident_id order by m.place is null, m.seq
        ) as place_rank,
        row_number() over (
            partition by m.incident_id
            order by case
                when m.victim_category in ('child', 'woman') then 0
                when m.victim_category = 'unknown' then 2
                else 1
            end, m.seq
        ) as category_rank
    from members as m
    left join part_totals as pt on pt.parent_fact_id = m.fact_id
),

rolled as (
    select
        incident_id,
        any_value(outcome) as outcome,
        any_value(event_date) filter (where date_rank = 1) as event_date,
        any_value(date_precision) filter (where date_rank = 1) as date_precision,
        any_value(place) filter (where place_rank = 1) as place,
        any_value(country) filter (where place_rank = 1) as country,
        any_value(admin1) filter (where place_rank = 1) as admin1,
        any_value(lat) filter (where place_rank = 1) as lat,
        any_value(lon) filter (where place_rank = 1) as lon,
        arg_min(cause, seq) filter (where cause is not null) as cause,
        arg_min(actor, seq) filter (where actor is not null) as actor,
        any_value(victim_category) filter (where category_rank = 1) as victim_category,
        any_value(status) filter (where category_rank = 1) as status,
        min(low) filter (where used) as low,
        min(best) filter (where used) as best,
        max(high) filter (where used) as high,
        coalesce(bool_or(high_open) filter (where used), false) as high_open,
        min(m_children) filter (where used) as children,
        min(m_women) filter (where used) as women,
        count(distinct best) filter (where used) > 1 as disputed,
        count(*) as n_facts,
        count(distinct doc_id) as n_documents,
        count(distinct publisher) as n_sources,
        count(distinct origin) as n_independent,
        min(published_at) as first_published,
        max(published_at) as last_published
    from member_figures
    group by incident_id
),

incidents_out as (
    select
        incident_id,
        outcome,
        event_date,
        date_precision,
        place,
        country,
        admin1,
        lat,
        lon,
        cause,
        actor,
        victim_category,
        status,
        low,
        best,
        high,
        high_open,
        case when children is not null then least(children, best) end as children,
        case when women is not null then least(women, best) end as women,
        disputed,
        n_facts,
        n_documents,
        n_sources,
        n_independent,
        case when n_independent >= 2 then 'corroborated' else 'single_source' end as grade,
        first_published,
        last_published
    from rolled
)

select * from incidents_out
