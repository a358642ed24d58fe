"""The second protocol: seed-demo holds the Expert Council's meeting of 17.11.2021 (from
data), and its full-form .docx, converted to text by LibreOffice, reads exactly as
../shared/seed/protocol-2021-11-17-expert-council.txt."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cluster_intranet.councils.models import Council
from cluster_intranet.documents.pdf import convert_to_text
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting

from .support import REPO, requires_soffice
from .test_fidelity import normalized_lines

EXPERT_PROTOCOL = (REPO / "../shared/seed/protocol-2021-11-17-expert-council.txt").resolve()


def expected_lines() -> list[str]:
    if not EXPERT_PROTOCOL.exists():
        pytest.skip(f"the second protocol is not beside the repository: {EXPERT_PROTOCOL}")
    return normalized_lines(EXPERT_PROTOCOL.read_text(encoding="utf-8"))


def assert_same_lines(rendered: list[str], expected: list[str]) -> None:
    for number, (want, got) in enumerate(zip(expected, rendered), start=1):
        assert got == want, f"line {number} differs"
    assert len(rendered) == len(expected), rendered[len(expected):] or expected[len(rendered):]


def expert_meeting() -> Meeting:
    return db.session.scalar(
        select(Meeting).join(Council).where(Council.protocol_form == "full", Meeting.date == dt.date(2021, 11, 17))
    )


def test_the_demo_holds_the_expert_council_protocol_approved_on_its_day(demo):
    meeting = expert_meeting()
    assert meeting is not None and meeting.is_locked and meeting.number == 1
    assert meeting.approved_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == dt.date(2021, 11, 17)
    assert [d.label for d in meeting.decisions] == ["1.1", "1.2", "2.1", "2.2"]


@requires_soffice
@pytest.mark.parametrize("approved", [True, False], ids=["approved", "reopened"])
def test_the_full_form_reads_like_the_second_protocol(viewer, demo, approved):
    meeting = expert_meeting()
    if not approved:  # the live data, not the kept version, reads the same
        from cluster_intranet.auth.models import User
        from cluster_intranet.meetings import services

        services.reopen(meeting, db.session.scalar(select(User)), "проверка")
        db.session.commit()
    response = viewer.get(f"/documents/meetings/{meeting.id}/protocol.docx?form=full")
    assert response.status_code == 200
    assert_same_lines(normalized_lines(convert_to_text(response.data)), expected_lines())
