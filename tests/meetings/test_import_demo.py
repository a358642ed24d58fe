"""Every demo meeting the intranet holds, generated in both forms by its own default
templates, imports back to the data it was generated from."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cluster_intranet.documents.contexts import protocol_context
from cluster_intranet.documents.rendering import render_document
from cluster_intranet.extensions import db
from cluster_intranet.meetings.importing.parser import parse
from cluster_intranet.meetings.importing.reader import docx_lines
from cluster_intranet.meetings.importing.structure import protocol_data
from cluster_intranet.meetings.models import Meeting
from tests.documents.support import read_template
from tests.meetings.test_import_roundtrip import decision_read, parsed_votes, people_rows, settled_votes


@pytest.mark.parametrize("form", ["short", "full"])
def test_demo_meetings_import_back(demo, form):
    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.id)))
    assert len(meetings) >= 4
    for meeting in meetings:
        context = protocol_context(meeting)
        parsed = parse(docx_lines(render_document(read_template(f"protocol_{form}.docx"), context)))
        got = protocol_data(parsed)
        assert parsed.unrecognised == [], meeting
        for key in ("number", "date", "city"):
            assert got["meeting"][key] == context["meeting"][key]
        assert got["meeting"]["council"]["name_genitive"] == context["meeting"]["council"]["name_genitive"]
        assert got["secretary"] == context["secretary"]
        for key in ("attendees_in_person", "attendees_online"):
            assert people_rows(got[key]) == people_rows(context[key])
        assert [item["text"] for item in got["agenda"]] == [item["text"] for item in context["agenda"]]
        assert [decision_read(d) for d in got["decisions"]] == [decision_read(d) for d in context["decisions"]]
        assert parsed_votes(parsed, context, form) == settled_votes(context, form), meeting
        if form == "short":
            continue
        assert got["meeting"] == context["meeting"]
        assert got["chair"] == context["chair"]
        assert people_rows(got["invited"]) == people_rows(context["invited"])
        assert [d["item_number"] for d in got["decisions"]] == [d["item_number"] for d in context["decisions"]]
        for mine, theirs in zip(got["agenda"], context["agenda"]):
            assert mine["speakers"] == theirs["speakers"]
