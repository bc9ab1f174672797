-- grain: one row per counted fact (the figures fact-level totals add up), in the column order of the
-- FactExport model in etl/export.py; outcome figures are spread into wide HXL columns
-- params: $unit (must be 'fact') $date_from $date_to $place $outcome $grade (null = no filter)
-- reads: filtered_units (sql/macros), stg_facts, incident_facts
with

filtered as (
    select * from filtered_units($unit, $date_from, $date_to, $place, $outcome, $grade)
),

detail as (
    select
        u.*,
        f.actor,
        f.lat,
        f.lon,
        f.published_date,
        f.source as source_name,
        f.url,
        f.title,
        f.quote,
        f.fact_class,
        l.incident_id,
        case when u.high_open then null else u.high end as high_closed
    from filtered as u
    inner join stg_facts as f on f.fact_id = u.unit_id
    left join incident_facts as l on l.fact_id = u.unit_id
),

wide as (
    select
        unit_id as fact_id,
        incident_id,
        event_date,
        published_date,
        place,
        admin1,
        country,
        lat,
        lon,
        outcome,
        victim_category,
        case when outcome = 'killed' then best end as killed,
        case when outcome = 'killed' then low end as killed_min,
        case when outcome = 'killed' then high_closed end as killed_max,
        case when outcome = 'killed' then children end as killed_children,
        case when outcome = 'killed' then women end as killed_women,
        case when outcome = 'injured' then best end as injured,
        case when outcome = 'injured' then low end as injured_min,
        case when outcome = 'injured' then high_closed end as injured_max,
        case when outcome = 'missing' then best end as missing,
        case when outcome = 'abducted' then best end as abducted,
        case when outcome = 'arrested' then best end as arrested,
        case when outcome = 'displaced' then best end as displaced,
        cause,
        actor,
        fact_class,
        grade,
        source_name as source,
        url,
        title,
        quote
    from detail
    order by event_date nulls last, place, fact_id
)

select * from wide
