"""Link facts from many reports into incidents: one event is counted once, as a low/best/high range.

``rebuild_incidents(con)`` runs inside the caller's transaction (the pipeline calls it at the end of
every run). It is a deterministic full rebuild: the same current facts give the same incidents and
the same ``incident_id`` values, whatever order the documents were loaded in.

How a fact joins an incident (the SQL half is ``sql/incidents/link_pairs.sql``):

1. Counted facts (news and perpetrator figures that are not sub-counts, background or repeats) found
   or join incidents. A cumulative toll ("the toll rose to 18") may join an incident as its source's
   update but never founds one. Sub-counts ride along with their parent (role ``part``).
2. Two facts are *compatible* when they have the same outcome, come from different documents, have
   compatible places, dates, causes and victims, and counts that could describe one event.
3. Facts are taken in publication order; each joins the existing incident whose every member is
   compatible with it (closest in date, then closest in count, then the oldest incident), or else
   founds a new incident. Requiring every member to agree stops chains (Mon-Tue-Wed) merging.
4. ``incident_id`` is derived from the founding report (outcome, its document's content hash and the
   figure's span), so it stays put when later reports join the incident.
"""
from __future__ import annotations

import hashlib
import math

import pyarrow as pa

from etl.reporting import install_views, sql_text

COUNT_FACTOR = 3   # counts are compatible when larger <= COUNT_FACTOR * smaller + COUNT_SLACK
COUNT_SLACK = 3


def incident_id_for(outcome: str, content_hash: str, span_start: int, span_end: int) -> str:
    """Stable id of the incident founded by one figure.

    >>> incident_id_for("killed", "ab" * 32, 10, 30)
    'inc_2d4d9c46b8e5a3a1'
    """
    key = f"{outcome}|{content_hash}|{span_start}|{span_end}".encode()
    return "inc_" + hashlib.sha256(key).hexdigest()[:16]


def link(candidates: list[dict], pairs: list[tuple[str, str, int]]) -> dict[str, str]:
    """Assign each candidate fact (in ``seq`` order) to an incident; returns fact_id -> incident_id.

    ``pairs`` are the compatible (earlier, later, day_gap) fact pairs. Pure and deterministic.
    """
    gap: dict[tuple[str, str], int] = {}
    partners: dict[str, set[str]] = {}
    for a, b, day_gap in pairs:
        gap[(a, b)] = gap[(b, a)] = day_gap
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    best_of = {c["fact_id"]: c["best"] for c in candidates}
    assigned: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    order: dict[str, int] = {}
    for cand in candidates:
        fid = cand["fact_id"]
        near = partners.get(fid, set())
        options = []
        for inc in {assigned[p] for p in near if p in assigned}:
            group = members[inc]
            if all(m in near for m in group):
                day = min(gap[(fid, m)] for m in group)
                ratio = abs(math.log((best_of[fid] + 1) / (best_of[group[0]] + 1)))
                options.append((day, ratio, order[inc], inc))
        if options:
            inc = min(options)[3]
        elif not cand.get("can_seed", True):  # a cumulative toll updates an incident, never founds one
            continue
        else:
            inc = incident_id_for(cand["outcome"], cand["content_hash"], cand["span_start"], cand["span_end"])
            while inc in members:  # the same figure twice in one document text: keep ids unique
                inc = "inc_" + hashlib.sha256(inc.encode()).hexdigest()[:16]
            members[inc] = []
            order[inc] = len(order)
        members[inc].append(fid)
        assigned[fid] = inc
    return assigned


def rebuild_incidents(con) -> int:
    """Recompute ``incidents`` and ``incident_facts`` from the current facts; returns the incident count.

    Runs in the caller's transaction and commits nothing itself.
    """
    install_views(con)
    cur = con.execute("select * from link_candidates order by seq")
    names = [d[0] for d in cur.description]
    candidates = [dict(zip(names, row)) for row in cur.fetchall()]
    pairs = con.execute(sql_text("incidents", "link_pairs"),
                        {"count_factor": COUNT_FACTOR, "count_slack": COUNT_SLACK}).fetchall()
    assigned = link(candidates, pairs)
    seq = {c["fact_id"]: c["seq"] for c in candidates}
    assignment = pa.table({"fact_id": pa.array(list(assigned), pa.string()),
                           "incident_id": pa.array(list(assigned.values()), pa.string()),
                           "seq": pa.array([seq[f] for f in assigned], pa.int64())})
    con.execute("delete from incident_facts")
    con.execute("delete from incidents")
    con.register("incident_assignment", assignment)
    try:
        con.execute("insert into incident_facts by name " + sql_text("incidents", "incident_links"))
        con.execute("insert into incidents by name " + sql_text("incidents", "incident_rollup"))
    finally:
        con.unregister("incident_assignment")
    return con.execute("select count(*) from incidents").fetchone()[0]

