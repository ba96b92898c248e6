"""Pathway service: stage settings, dependency rules, roster sync, corrections, bulk, board, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.core import pathway, roster, settings
from desktop.core.errors import ValidationError
from desktop.core.models import AuditEvent

D = dt.date
TODAY = D(2025, 6, 30)


def officer(db, collar, surname="Smith", joined=D(2024, 1, 10), **extra) -> int:
    return roster.create_officer(db, {"collar": collar, "surname": surname, "joined": joined, **extra})


def sid(db, code: str) -> int:
    st = pathway.get_pathway(db).by_code(code)
    assert st is not None
    return st.id


def record_path(db, oid, codes_dates):
    for code, on in codes_dates:
        pathway.record_stage(db, oid, sid(db, code), on, "Sgt Bloggs", None, today=TODAY)


COLLEGE_TO_ATTEST = [
    ("application", D(2024, 1, 10)),
    ("vetting", D(2024, 2, 1)),
    ("phase1", D(2024, 3, 1)),
    ("attestation", D(2024, 6, 1)),
]


# -- stages in settings ------------------------------------------------------------------------


def test_default_pathway_in_use_and_switchable(db):
    pw = pathway.get_pathway(db)
    assert pw.key == "college"
    assert [s.code for s in pw.stages][:4] == ["application", "vetting", "phase1", "attestation"]
    assert pw.ip_stage and pw.ip_stage.code == "qsc"
    assert pw.attestation_stage and pw.attestation_stage.code == "attestation"
    settings.set_value(db, "pathway", "older")
    assert pathway.get_pathway(db).ip_stage.code == "ips"
    assert dict(pathway.list_pathways(db)).keys() == {"college", "older"}


def test_add_rename_target_and_ip_stage(db):
    after = sid(db, "dps")
    new = pathway.add_stage(db, "Response driving course", after_id=after, target_days=30)
    pw = pathway.get_pathway(db)
    codes = [s.code for s in pw.stages]
    assert codes.index("response_driving_course") == codes.index("dps") + 1
    st = pw.by_id(new)
    assert st.prerequisites == ("dps",) and st.target_days == 30
    assert [s.position for s in pw.stages] == list(range(len(pw.stages)))
    pathway.rename_stage(db, new, "  Response   driving ")
    pathway.set_target_days(db, new, None)
    pathway.set_independent_patrol_stage(db, sid(db, "phase2"))
    pw = pathway.get_pathway(db)
    assert pw.by_id(new).name == "Response driving" and pw.by_id(new).target_days is None
    assert [s.code for s in pw.stages if s.is_independent_patrol] == ["phase2"]
    with pytest.raises(ValidationError, match="already has a stage"):
        pathway.add_stage(db, "vetting")
    with pytest.raises(ValidationError, match="needs a name"):
        pathway.rename_stage(db, new, "   ")
    with pytest.raises(ValidationError, match="negative"):
        pathway.set_target_days(db, new, -3)


def test_reorder_keeps_dependencies_in_order(db):
    pw = pathway.get_pathway(db)
    ids = [s.id for s in pw.stages]
    with pytest.raises(ValidationError, match="Vetting depends on Application, so it must come after it"):
        pathway.move_stage(db, sid(db, "vetting"), -1)
    # Make phase 2 independent of DPS, then it may move above DPS.
    pathway.set_prerequisites(db, sid(db, "phase2"), ["aps"])
    pathway.move_stage(db, sid(db, "phase2"), -1)
    codes = [s.code for s in pathway.get_pathway(db).stages]
    assert codes[4:7] == ["aps", "phase2", "dps"]
    with pytest.raises(ValidationError, match="every stage"):
        pathway.reorder_stages(db, ids[:-1])
    with pytest.raises(ValidationError, match="comes after it"):
        pathway.set_prerequisites(db, sid(db, "vetting"), ["qsc"])
    with pytest.raises(ValidationError, match="itself"):
        pathway.set_prerequisites(db, sid(db, "vetting"), ["vetting"])


def test_stage_in_use_cannot_be_removed_and_removal_splices_prerequisites(db):
    oid = officer(db, "1")
    record_path(db, oid, COLLEGE_TO_ATTEST[:1])
    with pytest.raises(ValidationError, match="recorded for 1 officer"):
        pathway.remove_stage(db, sid(db, "application"))
    with pytest.raises(ValidationError, match="independent-patrol stage"):
        pathway.remove_stage(db, sid(db, "qsc"))
    pathway.remove_stage(db, sid(db, "phase2"))
    pw = pathway.get_pathway(db)
    assert pw.by_code("phase2") is None
    assert pw.by_code("qsc").prerequisites == ("dps",)
    assert [s.position for s in pw.stages] == list(range(len(pw.stages)))
    assert pw.by_code("application").in_use == 1


# -- dependency rules --------------------------------------------------------------------------


def test_record_in_order_and_dependencies_refused_plainly(db):
    oid = officer(db, "1", joined=D(2024, 1, 10))
    with pytest.raises(ValidationError, match="Phase 1 learning must be recorded first"):
        pathway.record_stage(db, oid, sid(db, "attestation"), D(2024, 6, 1), today=TODAY)
    with pytest.raises(ValidationError, match="before Smith joined"):
        pathway.record_stage(db, oid, sid(db, "application"), D(2024, 1, 9), today=TODAY)
    with pytest.raises(ValidationError, match="in the future"):
        pathway.record_stage(db, oid, sid(db, "application"), D(2025, 7, 1), today=TODAY)
    record_path(db, oid, COLLEGE_TO_ATTEST[:2])
    with pytest.raises(ValidationError, match=r"cannot be before Vetting \(01/02/2024\)"):
        pathway.record_stage(db, oid, sid(db, "phase1"), D(2024, 1, 31), today=TODAY)
    # Same day as the prerequisite is fine.
    pathway.record_stage(db, oid, sid(db, "phase1"), D(2024, 2, 1), today=TODAY)
    with pytest.raises(ValidationError, match="already recorded"):
        pathway.record_stage(db, oid, sid(db, "phase1"), D(2024, 2, 2), today=TODAY)
    prog = pathway.officer_progress(db, oid, today=TODAY)
    assert prog.current.code == "phase1" and prog.next.code == "attestation"
    assert prog.since == D(2024, 2, 1) and prog.days_at_stage == (TODAY - D(2024, 2, 1)).days
    assert prog.overdue  # target 180 days
    assert [e.stage_code for e in prog.entries] == ["application", "vetting", "phase1"]
    assert prog.entries[0].assessor == "Sgt Bloggs"


def test_attestation_and_ip_keep_roster_in_step(db):
    oid = officer(db, "1")
    record_path(db, oid, COLLEGE_TO_ATTEST)
    assert roster.get_officer(db, oid)["attested"] == D(2024, 6, 1)
    record_path(
        db,
        oid,
        [("aps", D(2024, 7, 1)), ("dps", D(2024, 9, 1)), ("phase2", D(2024, 12, 1)), ("qsc", D(2025, 3, 1))],
    )
    assert roster.get_officer(db, oid)["independent_patrol"] == D(2025, 3, 1)
    prog = pathway.officer_progress(db, oid, today=TODAY)
    assert prog.current.code == "qsc" and prog.next is None and not prog.overdue
    qsc = next(e for e in prog.entries if e.stage_code == "qsc")
    pathway.correct_entry(db, qsc.id, on=D(2025, 3, 5), assessor="Insp Y", note="date typo", reason="typo")
    assert roster.get_officer(db, oid)["independent_patrol"] == D(2025, 3, 5)
    pathway.remove_entry(db, qsc.id, reason="recorded for the wrong officer")
    assert roster.get_officer(db, oid)["independent_patrol"] is None


def test_roster_dates_count_as_met_for_legacy_officers(db):
    oid = officer(db, "1", joined=D(2020, 1, 1), attested=D(2020, 6, 1))
    prog = pathway.officer_progress(db, oid, today=TODAY)
    assert prog.current.code == "attestation" and prog.since == D(2020, 6, 1)
    assert [e.source for e in prog.entries] == ["implied", "implied", "implied", "roster"]
    assert prog.next.code == "aps"
    with pytest.raises(ValidationError, match=r"cannot be before Attestation \(01/06/2020\)"):
        pathway.record_stage(db, oid, sid(db, "aps"), D(2020, 5, 1), today=TODAY)
    with pytest.raises(ValidationError, match="cannot be after Attestation"):
        pathway.record_stage(db, oid, sid(db, "vetting"), D(2020, 7, 1), today=TODAY)
    pathway.record_stage(db, oid, sid(db, "aps"), D(2020, 7, 1), today=TODAY)


def test_corrections_need_a_reason_respect_order_and_are_audited(db):
    oid = officer(db, "1")
    record_path(db, oid, COLLEGE_TO_ATTEST)
    entries = {e.stage_code: e for e in pathway.officer_progress(db, oid, today=TODAY).entries}
    with pytest.raises(ValidationError, match="Say why"):
        pathway.correct_entry(
            db, entries["vetting"].id, on=D(2024, 2, 2), assessor=None, note=None, reason=" "
        )
    with pytest.raises(ValidationError, match="cannot be after Phase 1 learning"):
        pathway.correct_entry(
            db, entries["vetting"].id, on=D(2024, 3, 2), assessor=None, note=None, reason="x"
        )
    with pytest.raises(ValidationError, match="Attestation depends on Phase 1 learning"):
        pathway.remove_entry(db, entries["phase1"].id, reason="mistake")
    pathway.correct_entry(
        db, entries["vetting"].id, on=D(2024, 2, 3), assessor="Sgt Z", note=None, reason="wrong date on form"
    )
    pathway.remove_entry(db, entries["attestation"].id, reason="ceremony postponed")
    assert roster.get_officer(db, oid)["attested"] is None
    with db.read() as s:
        events = [
            (e.action, e.field, e.old, e.new, e.reason)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "stages_achieved"))
        ]
    assert {e[1:] for e in events if e[0] == "update"} >= {
        ("achieved_on", "2024-02-01", "2024-02-03", "wrong date on form"),
        ("assessor", "Sgt Bloggs", "Sgt Z", "wrong date on form"),
    }
    assert [e[4] for e in events if e[0] == "delete"] == ["ceremony postponed"]
    assert len([e for e in events if e[0] == "create"]) == 4


# -- bulk --------------------------------------------------------------------------------------


def test_bulk_preview_and_record(db):
    ready = [officer(db, str(n), f"Ready{n}") for n in range(3)]
    for oid in ready:
        record_path(db, oid, COLLEGE_TO_ATTEST[:3])
    not_ready = officer(db, "9", "Early")
    late_joiner = officer(db, "8", "Late", joined=D(2024, 7, 1))
    done = officer(db, "7", "Done")
    record_path(db, done, COLLEGE_TO_ATTEST)
    ids = [*ready, not_ready, late_joiner, done]
    preview = pathway.preview_bulk(db, ids, sid(db, "attestation"), D(2024, 6, 20), today=TODAY)
    assert [line.ok for line in preview] == [True, True, True, False, False, False]
    why = {line.name: line.reason for line in preview if not line.ok}
    assert why["Early"] == "Phase 1 learning must be recorded first."
    assert "before Late joined (01/07/2024)" in why["Late"]
    assert "already recorded (01/06/2024)" in why["Done"]
    result = pathway.record_bulk(
        db, ids, sid(db, "attestation"), D(2024, 6, 20), "SCO", "ceremony", today=TODAY
    )
    assert result.recorded == ready
    assert [r.officer_id for r in result.refused] == [not_ready, late_joiner, done]
    for oid in ready:
        assert roster.get_officer(db, oid)["attested"] == D(2024, 6, 20)
    with db.read() as s:
        reasons = s.scalars(
            select(AuditEvent.reason).where(
                AuditEvent.entity == "stages_achieved", AuditEvent.action == "create"
            )
        ).all()
    assert reasons.count("bulk record: Attestation on 20/06/2024") == 3


# -- board and counts --------------------------------------------------------------------------


def test_board_places_officers_at_last_stage_met_with_filters(db):
    a = officer(db, "1", "Alpha", team="Response A", joined=D(2024, 1, 10))
    b = officer(db, "2", "Bravo", team="Response B", joined=D(2024, 1, 10))
    officer(db, "3", "Charlie", team="Response A", joined=D(2024, 3, 5))
    left = officer(db, "4", "Delta", joined=D(2024, 1, 10))
    record_path(db, a, COLLEGE_TO_ATTEST)
    record_path(db, b, COLLEGE_TO_ATTEST[:2])
    record_path(db, left, COLLEGE_TO_ATTEST[:2])
    roster.record_leaving(db, left, D(2025, 1, 1), "resigned")
    board = pathway.board(db, today=TODAY)
    cols = {(col.stage.code if col.stage else None): [c.name for c in col.cards] for col in board.columns}
    assert board.columns[0].stage is None and board.columns[0].title == "No stage yet"
    assert cols[None] == ["Charlie"]
    assert cols["vetting"] == ["Bravo"] and cols["attestation"] == ["Alpha"]
    assert all(not v for k, v in cols.items() if k not in (None, "vetting", "attestation"))
    bravo = board.columns[2].cards[0]
    assert bravo.days == (TODAY - D(2024, 2, 1)).days and bravo.target_days is None and not bravo.overdue
    assert board.teams == ["Response A", "Response B"]
    assert board.intakes == ["2024-03", "2024-01"]
    assert pathway.intake_label("2024-03") == "March 2024"
    filtered = pathway.board(db, team="Response A", intake="2024-01", today=TODAY)
    assert [c.name for col in filtered.columns for c in col.cards] == ["Alpha"]
    assert filtered.total == 1


def test_overdue_flag_against_stage_target(db):
    oid = officer(db, "1")
    record_path(db, oid, COLLEGE_TO_ATTEST + [("aps", D(2025, 3, 1))])  # target 120 days
    card = next(c for col in pathway.board(db, today=D(2025, 6, 29)).columns for c in col.cards)
    assert card.days == 120 and not card.overdue
    card = next(c for col in pathway.board(db, today=D(2025, 6, 30)).columns for c in col.cards)
    assert card.days == 121 and card.overdue


def test_counts_median_to_ip_and_longest_waiting(db):
    # Three officers reached independent patrol in the last 12 months: 100, 200 and 400 days.
    for n, (joined, days) in enumerate([(D(2024, 9, 1), 100), (D(2024, 7, 1), 200), (D(2024, 3, 1), 400)]):
        officer(
            db,
            f"IP{n}",
            f"Ip{n}",
            joined=joined,
            attested=joined,
            independent_patrol=joined + dt.timedelta(days),
        )
    officer(db, "OLD", "Old", joined=D(2010, 1, 1), attested=D(2010, 1, 1), independent_patrol=D(2011, 1, 1))
    w1 = officer(db, "W1", "Waiting", joined=D(2023, 1, 1))
    w2 = officer(db, "W2", "Newer", joined=D(2024, 1, 10))
    record_path(db, w1, [("application", D(2023, 1, 1))])
    record_path(db, w2, COLLEGE_TO_ATTEST[:2])
    officer(db, "N", "Nothing")
    counts = pathway.board(db, today=TODAY).counts
    assert counts.median_days_to_ip == 200.0 and counts.ip_in_last_year == 3
    assert (
        counts.at_stage["qsc"] == 4
        and counts.at_stage["application"] == 1
        and counts.at_stage["vetting"] == 1
    )
    assert counts.not_started == 1
    assert [c.name for c in counts.longest_waiting] == ["Waiting", "Newer"]
    assert counts.longest_waiting[0].days == (TODAY - D(2023, 1, 1)).days
    assert pathway.board(db, team="Nowhere", today=TODAY).counts.median_days_to_ip is None
