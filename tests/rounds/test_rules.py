"""The council's rules on their own: votes against the members present, what an honoured
dossier needs, the decision number's form, and what the decision does to a status."""

from handlers.rounds.rules import (
    Vote,
    city_stage,
    decision_problem,
    outcome_problem,
    parse_members,
    status_after,
    vote_problem,
)


def test_votes_may_not_exceed_the_members_present():
    assert vote_problem(Vote(5, 0, 0), 5) is None
    assert vote_problem(Vote(3, 1, 1), 5) is None
    assert vote_problem(Vote(4, 1, 1), 5) == "console.rounds.error.too_many_votes"
    assert vote_problem(Vote(-1, 0, 0), 5) == "console.rounds.error.negative"
    assert vote_problem(Vote(0, 0, 0), 0) == "console.rounds.error.no_members"


def test_an_honoured_dossier_needs_its_level_and_title():
    assert outcome_problem("honoured", "urgent", "Người tốt, việc tốt") is None
    assert outcome_problem("honoured", None, "Người tốt, việc tốt") is not None
    assert outcome_problem("honoured", "ward", "  ") is not None
    assert outcome_problem("deferred", None, "") is None
    assert outcome_problem("maybe", None, "") == "console.rounds.error.outcome"


def test_the_decision_number_reads_as_the_state_writes_it():
    assert decision_problem("125/QĐ-UBND", "2026-12-10", ["honoured"]) is None
    assert decision_problem("07/QĐ-UBND-TĐKT", "2026-12-10", ["deferred"]) is None
    assert decision_problem("125/UBND", "2026-12-10", ["honoured"]) is not None
    assert decision_problem("125/QĐ-UBND", "10/12/2026", ["honoured"]) is not None
    assert decision_problem("125/QĐ-UBND", "2026-12-10", ["honoured", None]) is not None
    assert decision_problem("125/QĐ-UBND", "2026-12-10", []) is not None


def test_the_decision_approves_only_what_it_honours():
    assert status_after("verified", "honoured") == "approved"
    assert status_after("approved", "honoured") == "approved"
    assert status_after("verified", "deferred") == "verified"
    assert status_after("verified", "not_honoured") == "verified"
    assert city_stage("city", "honoured") and not city_stage("ward", "honoured")
    assert not city_stage("city", "deferred")


def test_members_are_read_one_a_line():
    assert parse_members("Nguyễn Văn Thắng — Chủ tịch\n\nLê Thị Hồng - Phó Chủ tịch\n"
                         "Trần Quốc Khánh") == [
        {"name": "Nguyễn Văn Thắng", "role": "Chủ tịch"},
        {"name": "Lê Thị Hồng", "role": "Phó Chủ tịch"},
        {"name": "Trần Quốc Khánh", "role": ""}]
