"""Incidents: one event reported by many outlets is counted once, as a range (issue 7).

Each case is a small set of reports written for the test; the expected incidents are worked out by hand
from the linking rules in the README.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest

from etl.incidents import link, rebuild_incidents
from etl.reporting import report_rows
from test_sql import file_warehouse, memory_warehouse


def doc(doc_id, source, published, **kw):
    return {"doc_id": doc_id, "source": source, "published_at": datetime.fromisoformat(published), **kw}


def fact(fact_id, best, place="Gao", day="2024-04-30", **kw):
    row = {"fact_id": fact_id, "best": best, "low": kw.pop("low", best), "high": kw.pop("high", best),
           "place": place, "event_date": date.fromisoformat(day) if day else None}
    row.update(kw)
    return row


def incidents(con) -> list[dict]:
    cur = con.execute("select * from incidents order by event_date, place, best")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def groups(con) -> set[frozenset]:
    rows = con.execute("select incident_id, fact_id from incident_facts where role = 'member'").fetchall()
    out: dict[str, set] = {}
    for inc, fid in rows:
        out.setdefault(inc, set()).add(fid)
    return {frozenset(v) for v in out.values()}


def test_two_outlets_one_strike_is_one_incident_with_a_range():
    con = memory_warehouse({
        "documents": [doc("rt", "Reuters", "2024-05-01 09:00"), doc("af", "AFP", "2024-05-01 11:00")],
        "facts": [fact("rt#1", 12, cause="air strike", victim_category="civilian"),
                  fact("af#1", 15, low=15, high=20, qualifier="range", cause="air strike")],
    })
    [inc] = incidents(con)
    assert (inc["low"], inc["best"], inc["high"]) == (12, 12, 20)
    assert inc["disputed"] is True
    assert (inc["n_sources"], inc["n_documents"], inc["grade"]) == (2, 2, "corroborated")
    assert (inc["outcome"], inc["place"], inc["event_date"], inc["cause"]) == ("killed", "Gao", date(2024, 4, 30),
                                                                               "air strike")
    assert inc["status"] == "civilian"
    assert groups(con) == {frozenset({"rt#1", "af#1"})}


def test_agreeing_outlets_are_not_disputed():
    con = memory_warehouse({
        "documents": [doc("rt", "Reuters", "2024-05-01 09:00"), doc("af", "AFP", "2024-05-01 11:00")],
        "facts": [fact("rt#1", 7), fact("af#1", 7)],
    })
    [inc] = incidents(con)
    assert (inc["low"], inc["best"], inc["high"], inc["disputed"]) == (7, 7, 7, False)


def test_same_place_on_different_days_is_two_incidents():
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00"), doc("d2", "AFP", "2024-05-02 09:00")],
        "facts": [fact("d1#1", 5, day="2024-04-30"), fact("d2#1", 5, day="2024-05-01")],
    })
    assert groups(con) == {frozenset({"d1#1"}), frozenset({"d2#1"})}
    assert [i["grade"] for i in incidents(con)] == ["single_source", "single_source"]


def test_different_places_on_the_same_day_are_two_incidents():
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00"), doc("d2", "AFP", "2024-05-01 10:00")],
        "facts": [fact("d1#1", 5, place="Gao"), fact("d2#1", 5, place="Mopti")],
    })
    assert groups(con) == {frozenset({"d1#1"}), frozenset({"d2#1"})}


def test_a_corrected_version_of_a_report_replaces_the_old_one():
    con = memory_warehouse({
        "documents": [doc("v1", "Reuters", "2024-05-01 09:00", superseded_by="v2"),
                      doc("v2", "Reuters", "2024-05-01 18:00")],
        "facts": [fact("v1#1", 5), fact("v2#1", 9)],
    })
    [inc] = incidents(con)
    assert (inc["low"], inc["best"], inc["high"], inc["n_documents"]) == (9, 9, 9, 1)
    assert groups(con) == {frozenset({"v2#1"})}


def test_a_later_update_from_the_same_outlet_replaces_its_earlier_toll():
    con = memory_warehouse({
        "documents": [doc("early", "Reuters", "2024-05-01 09:00"), doc("late", "Reuters", "2024-05-02 09:00")],
        "facts": [fact("early#1", 5), fact("late#1", 9)],
    })
    [inc] = incidents(con)
    assert (inc["low"], inc["best"], inc["high"], inc["disputed"]) == (9, 9, 9, False)
    assert (inc["n_documents"], inc["n_sources"], inc["grade"]) == (2, 1, "single_source")
    used = dict(con.execute("select fact_id, used from incident_facts").fetchall())
    assert used == {"early#1": False, "late#1": True}


def test_a_higher_toll_from_another_outlet_widens_the_range_and_best_stays_lowest():
    con = memory_warehouse({
        "documents": [doc("rt", "Reuters", "2024-05-01 09:00"), doc("lo", "Local FM", "2024-05-02 09:00")],
        "facts": [fact("rt#1", 5), fact("lo#1", 9)],
    })
    [inc] = incidents(con)
    assert (inc["low"], inc["best"], inc["high"], inc["disputed"]) == (5, 5, 9, True)


def test_sub_counts_and_cumulative_tolls_create_no_incidents():
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00")],
        "facts": [fact("d1#1", 4, victim_category="civilian"),
                  fact("d1#2", 2, victim_category="child", parent_fact_id="d1#1"),
                  fact("d1#3", 120, count_anchor="cumulative", fact_class="cumulative")],
    })
    [inc] = incidents(con)
    assert (inc["best"], inc["children"], inc["n_facts"]) == (4, 2, 1)
    links = dict(con.execute("select fact_id, role from incident_facts").fetchall())
    assert links == {"d1#1": "member", "d1#2": "part"}


def test_a_later_cumulative_toll_updates_an_incident_but_never_founds_one():
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00"), doc("d2", "Reuters", "2024-05-02 09:00"),
                      doc("d3", "AFP", "2024-05-20 09:00")],
        "facts": [fact("d1#1", 5),
                  # "the toll from Tuesday's strike in Gao rose to 9"
                  fact("d2#1", 9, count_anchor="cumulative", fact_class="cumulative"),
                  # a campaign toll elsewhere in time: joins nothing, founds nothing
                  fact("d3#1", 140, day=None, count_anchor="cumulative", fact_class="cumulative")],
    })
    [inc] = incidents(con)
    assert (inc["low"], inc["best"], inc["high"], inc["n_documents"]) == (9, 9, 9, 2)
    links = dict(con.execute("select fact_id, used from incident_facts").fetchall())
    assert links == {"d1#1": False, "d2#1": True}


def test_two_figures_from_one_document_are_never_merged():
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00"), doc("d2", "AFP", "2024-05-01 12:00")],
        "facts": [fact("d1#1", 3, span_start=0, span_end=10), fact("d1#2", 4, span_start=40, span_end=50),
                  fact("d2#1", 4)],
    })
    got = groups(con)
    assert frozenset({"d1#1", "d1#2"}) not in got and len(got) == 2
    # AFP's 4 goes with the closer count (4), not the first incident
    assert frozenset({"d1#2", "d2#1"}) in got


@pytest.mark.parametrize("other, reason", [
    (fact("d2#1", 40), "counts 3 and 40 cannot describe one event"),
    (fact("d2#1", 3, victim_category="combatant"), "civilians and soldiers"),
    (fact("d2#1", 3, cause="drone strike"), "different causes"),
    (fact("d2#1", 3, outcome="injured"), "different outcomes"),
    (fact("d2#1", 3, place=None), "no place: never merged"),
    (fact("d2#1", 3, country="NE"), "same name in another country"),
])
def test_incompatible_reports_stay_apart(other, reason):
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00"), doc("d2", "AFP", "2024-05-01 12:00")],
        "facts": [fact("d1#1", 3, victim_category="civilian", cause="air strike", country="ML"), other],
    })
    assert len(incidents(con)) == 2, reason


def test_a_place_inside_a_geocoded_region_links():
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00"), doc("d2", "AFP", "2024-05-01 12:00")],
        "facts": [fact("d1#1", 6, place="Tessit", country="ML", admin1="GA", geo_precision=1),
                  fact("d2#1", 6, place="Gao region", country="ML", admin1="GA", geo_precision=4)],
    })
    [inc] = incidents(con)
    assert inc["place"] == "Tessit" and inc["n_sources"] == 2


def test_an_undated_report_links_within_three_days_of_publication_but_chains_do_not_form():
    # A (undated, published 3 May) fits both B (1 May) and C (4 May), but B and C are 3 days apart
    con = memory_warehouse({
        "documents": [doc("a", "Reuters", "2024-05-03 09:00"), doc("b", "AFP", "2024-05-03 10:00"),
                      doc("c", "BBC", "2024-05-04 10:00")],
        "facts": [fact("a#1", 5, day=None), fact("b#1", 5, day="2024-05-01"), fact("c#1", 5, day="2024-05-04")],
    })
    assert groups(con) == {frozenset({"a#1", "b#1"}), frozenset({"c#1"})}
    dated = {i["n_facts"]: i["event_date"] for i in incidents(con)}
    assert dated[2] == date(2024, 5, 1)  # the member with an exact date gives the incident date


def test_two_outlets_citing_one_original_source_are_not_independent():
    con = memory_warehouse({
        "documents": [doc("d1", "Reuters", "2024-05-01 09:00"), doc("d2", "AFP", "2024-05-01 12:00")],
        "facts": [fact("d1#1", 5, reported_by="the army"), fact("d2#1", 5, reported_by="The army")],
    })
    [inc] = incidents(con)
    assert (inc["n_sources"], inc["n_independent"], inc["grade"]) == (2, 1, "single_source")


def test_incident_ids_are_stable_and_independent_of_load_order():
    docs = [doc("d1", "Reuters", "2024-05-01 09:00", content_hash="c" * 64),
            doc("d2", "AFP", "2024-05-01 12:00", content_hash="d" * 64)]
    facts = [fact("d1#1", 5, span_start=3, span_end=20), fact("d2#1", 6)]
    one = memory_warehouse({"documents": docs, "facts": facts})
    two = memory_warehouse({"documents": docs[::-1], "facts": facts[::-1]})
    ids = one.execute("select incident_id from incidents").fetchall()
    expected = "inc_" + hashlib.sha256(f"killed|{'c' * 64}|3|20".encode()).hexdigest()[:16]
    assert ids == [(expected,)]
    assert two.execute("select incident_id from incidents").fetchall() == ids
    # rebuilding changes nothing, and a later report joining the incident keeps its id
    rebuild_incidents(one)
    assert one.execute("select incident_id from incidents").fetchall() == ids
    one.execute("insert into documents (doc_id, content_hash, text, source, published_at) values "
                "('d3', 'e', 't', 'BBC', timestamp '2024-05-02 08:00')")
    one.execute("insert into facts (fact_id, doc_id, outcome, best, low, high, qualifier, count_anchor, fact_class, "
                "span_start, span_end, quote, rule, extractor_version, run_id, place, event_date) values "
                "('d3#1', 'd3', 'killed', 7, 7, 7, 'exact', 'incremental', 'news', 0, 5, 'q', 'r', 'v', 'r2', "
                "'Gao', date '2024-04-30')")
    rebuild_incidents(one)
    assert one.execute("select incident_id, n_documents from incidents").fetchall() == [(expected, 3)]


def test_link_is_pure_and_order_of_pairs_does_not_matter():
    cands = [{"fact_id": f, "best": 5, "outcome": "killed", "content_hash": f, "span_start": 0, "span_end": 1}
             for f in ("a", "b", "c")]
    pairs = [("a", "b", 0), ("a", "c", 0), ("b", "c", 0)]
    assert link(cands, pairs) == link(cands, pairs[::-1])
    assert len(set(link(cands, pairs).values())) == 1


SET = {
    # hand-computed: Gao strike (Reuters 10, AFP 14, Local FM 12 -> best 10, range 10-14);
    # Mopti the same day (3); Gao the next day (2); a cumulative toll (200) and a sub-count (4 children)
    "documents": [doc("rt", "Reuters", "2024-05-01 09:00"), doc("af", "AFP", "2024-05-01 10:00"),
                  doc("fm", "Local FM", "2024-05-01 11:00"), doc("mo", "Reuters", "2024-05-01 12:00"),
                  doc("g2", "AFP", "2024-05-02 09:00")],
    "facts": [fact("rt#1", 10, victim_category="civilian"), fact("rt#2", 4, victim_category="child",
                                                                  parent_fact_id="rt#1"),
              fact("af#1", 14), fact("fm#1", 12, low=12, high=None, qualifier="at_least"),
              fact("fm#2", 200, count_anchor="cumulative", fact_class="cumulative", span_start=20, span_end=30),
              fact("mo#1", 3, place="Mopti"), fact("g2#1", 2, day="2024-05-01")],
}


def test_report_totals_equal_hand_computed_incident_totals(tmp_path):
    path = file_warehouse(tmp_path / "w.duckdb", SET)
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    from etl.reporting import install_views
    install_views(con)
    cols, rows = report_rows(con, "outcome", "incident")
    row = dict(zip(cols, rows[0]))
    assert (row["n"], row["low"], row["best"], row["high"]) == (3, 15, 15, 19)   # 10+3+2, 14+3+2
    cols, rows = report_rows(con, "outcome", "fact")
    row = dict(zip(cols, rows[0]))
    assert (row["n"], row["best"]) == (5, 41)                                    # the fact sum overstates
    cols, rows = report_rows(con, "category", "incident")
    row = dict(zip(cols, rows[0]))
    assert (row["civilian"], row["unknown"], row["children"]) == (10, 5, 4)
