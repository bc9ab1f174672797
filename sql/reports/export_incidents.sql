-- grain: one row per incident, in the column order of the IncidentExport model in etl/export.py;
-- provenance lists every member report (sources, URLs, quotes separated by " | ")
-- params: $unit (must be 'incident') $date_from $date_to $place $outcome $grade (null = no filter)
-- reads: filtered_units (sql/macros), incidents, incident_facts, stg_facts
with

filtered as (
    select * from filtered_units($unit, $date_from, $date_to, $place, $outcome, $grade)
),

provenance as (
    select
        l.incident_id,
        string_agg(distinct f.source, ' | ' order by f.source) as sources,
        string_agg(f.url, ' | ' order by f.published_at, f.fact_id) as urls,
        string_agg(f.title, ' | ' order by f.published_at, f.fact_id) as titles,
        string_agg(f.quote, ' | ' order by f.published_at, f.fact_id) as quotes
    from incident_facts as l
    inner join stg_facts as f on f.fact_id = l.fact_id
    where l.role = 'member'
    group by l.incident_id
),

wide as (
    select
        i.incident_id,
        i.event_date,
        cast(i.first_published as date) as first_reported,
        i.place,
        i.admin1,
        i.country,
        i.lat,
        i.lon,
        i.outcome,
        i.victim_category,
        case when i.outcome = 'killed' then i.best end as killed,
        case when i.outcome = 'killed' then i.low end as killed_min,
        case when i.outcome = 'killed' then i.high end as killed_max,
        case when i.outcome = 'killed' then i.children end as killed_children,
        case when i.outcome = 'killed' then i.women end as killed_women,
        case when i.outcome = 'injured' then i.best end as injured,
        case when i.outcome = 'injured' then i.low end as injured_min,
        case when i.outcome = 'injured' then i.high end as injured_max,
        case when i.outcome = 'missing' then i.best end as missing,
        case when i.outcome = 'abducted' then i.best end as abducted,
        case when i.outcome = 'arrested' then i.best end as arrested,
        case when i.outcome = 'displaced' then i.best end as displaced,
        i.cause,
        i.actor,
        i.grade,
        i.disputed,
        i.n_sources,
        i.n_documents,
        p.sources,
        p.urls,
        p.titles,
        p.quotes
    from filtered as u
    inner join incidents as i on i.incident_id = u.unit_id
    left join provenance as p on p.incident_id = i.incident_id
    order by i.event_date nulls last, i.place, i.incident_id
)

select * from wide
