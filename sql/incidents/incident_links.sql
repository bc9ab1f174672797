-- grain: one row per fact linked to an incident: members, and the sub-counts of members (role = 'part')
-- reads: incident_assignment (temporary relation: fact_id, incident_id, seq from the linker), stg_facts
-- a publisher's latest report on an incident replaces its earlier ones (used = false for those)
with

assignment as (
    select * from incident_assignment
),

members as (
    select
        a.incident_id,
        a.seq,
        f.fact_id,
        coalesce(f.source, f.doc_id) as publisher,
        f.published_at
    from assignment as a
    inner join stg_facts as f on f.fact_id = a.fact_id
),

member_links as (
    select
        fact_id,
        incident_id,
        'member' as role,
        row_number() over (
            partition by incident_id, publisher order by published_at desc nulls last, seq desc
        ) = 1 as used
    from members
),

part_links as (
    select
        p.fact_id,
        a.incident_id,
        'part' as role,
        false as used
    from stg_facts as p
    inner join assignment as a on a.fact_id = p.parent_fact_id
),

links as (
    select * from member_links
    union all
    select * from part_links
)

select * from links
