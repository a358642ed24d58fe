"""Bad input: arbitrary text (control characters, NUL, emoji, RTL marks, «», 100 kB)
in every form of the app gets a page or a refusal with a message, never a 500; and
the .docx and .ics made from any stored text stay well-formed.

The forms are not listed by hand: the test signs in as an administrator, opens
every GET route of ``app.url_map`` (and the in-place row editors), and collects
each POST form it finds with the values a browser would send. A new form is
fuzzed as soon as a page shows it.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import docx
import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select

from cluster_intranet import clock
from cluster_intranet.auth.roles import Role
from cluster_intranet.documents import contexts, library
from cluster_intranet.documents.rendering import render_document
from cluster_intranet.extensions import db
from cluster_intranet.meetings import services
from cluster_intranet.meetings.models import AttendanceMode, Meeting, MeetingStatus
from tests import factories
from tests.test_access import ids, url_arguments  # noqa: F401  (ids: the demo data and the ids of its rows)

HUGE = "Протокол заседания «Координационного совета» № 2. " * 2000  # about 100 kB
NASTY = [
    "нуль\x00байт",
    "".join(map(chr, range(32))) + "\x7f\x85\x9f",  # every C0 control, DEL, C1 controls
    "🎉 👩‍👩‍👧 🇷🇺 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ̶з̶а̶ч̶ё̶р̶к̶н̶у̶т̶о̶",
    "\u202eRTL\u202c \u200fשלום\u200e مرحبا \u2066изолят\u2069 \ufeffBOM \u200b",
    "«ёлочки» „лапки“ ‘одинарные’ — тире – «вложенные „кавычки“»",
    "<script>alert(1)</script> {{ 7*7 }} {% raw %} ' OR 1=1 -- \\N %s %(x)s",
    "\ufffe\uffff\U0010ffff noncharacters",
    "   \t\r\n  ",
    HUGE,
]
# Any text a browser can send: every code point but lone surrogates (a browser cannot
# encode those; Werkzeug would replace them anyway).
ANY_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(codec="utf-8"), max_size=200),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Co", "Zs", "Zl", "Zp", "Mn", "So"]), max_size=40),
)
FREE_TEXT = {"text", "search", "email", "url", "tel", "textarea", "date", "time", "number", "datetime-local"}
# Forms whose success would end the walk: signing out, changing one's own password.
SKIPPED_ENDPOINTS = {"auth.logout", "auth.profile"}
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis/ in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class FormParser(HTMLParser):
    """POST forms of a page: action and the fields a browser would submit."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            posts = "hx-post" in attrs or (attrs.get("method") or "").lower() == "post"
            # No action: the form posts to its own page.
            action = attrs.get("hx-post") or attrs.get("action") or ""
            self.form = {"action": action, "fields": {}, "text": set()} if posts else None
        elif self.form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.form["fields"].setdefault(attrs["name"], attrs.get("value") or ("y" if kind == "checkbox" else ""))
            if kind in FREE_TEXT:
                self.form["text"].add(attrs["name"])
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.form["fields"][attrs["name"]] = ""
            self.form["text"].add(attrs["name"])
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select:
            first = self.select not in self.form["fields"]
            if first or "selected" in attrs:
                self.form["fields"][self.select] = attrs.get("value", "")

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None


def find_forms(app, client, ids) -> list[dict]:
    """Every POST form with free text on every page an administrator can open."""
    pages = []
    for kind in ("people", "organizations"):  # the directory's two lists share their routes
        arguments = {**url_arguments(ids), "kind": kind}
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or not set(rule.arguments) <= set(arguments):
                continue
            page = app.url_for(rule.endpoint, **{k: v for k, v in arguments.items() if k in rule.arguments})
            if page not in pages:
                pages.append(page)
    adapter = app.url_map.bind("intranet.test")
    found: dict[tuple, dict] = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # downloads, feeds, redirects
        parser = FormParser()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            path = urlsplit(form["action"]).path or urlsplit(page).path
            try:
                endpoint, _ = adapter.match(path, method="POST")
            except Exception:  # not a POST route of this app
                continue
            fields = {name: value for name, value in form["fields"].items() if name != "version"}
            text = sorted(form["text"] - {"version"})
            if endpoint in SKIPPED_ENDPOINTS:
                continue
            found.setdefault(
                (endpoint, tuple(text), tuple(sorted(form["fields"]))),
                {"endpoint": endpoint, "path": path, "fields": fields, "text": text, "all": form["fields"]},
            )
    return sorted(found.values(), key=lambda form: form["endpoint"])


def post(client, form: dict, texts: list[str], htmx: bool):
    """The form as a browser sends it, with ``texts`` in its free-text fields (in turn)."""
    data = dict(form["fields"])
    for n, name in enumerate(form["text"]):
        data[name] = texts[n % len(texts)]
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(form["path"], data=data, headers=headers)


def check_answer(response, form: dict) -> None:
    where = f"POST {form['path']} ({form['endpoint']})"
    assert response.status_code < 500, f"{where}: HTTP {response.status_code}\n{response.get_data(as_text=True)[:3000]}"
    if response.status_code >= 400:
        body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
        assert re.search("[а-яА-ЯёЁ]{3}", body), f"{where}: HTTP {response.status_code} without a message"


@pytest.fixture
def admin_client(login_as):
    return login_as(Role.ADMIN, "fuzzer@cluster.test")


def other_rows(ids: dict) -> dict:
    """Rows in other states, whose pages show other forms: the approved seed protocol
    (reopen), a decision still in work (move its deadline), a draft checklist (its editor)."""
    from cluster_intranet.decisions.models import Decision, DecisionStatus
    from cluster_intranet.expertise import checklist_versions
    from cluster_intranet.expertise.models import ChecklistVersion

    draft = checklist_versions.new_version(db.session.get(ChecklistVersion, ids["checklist_version"]))
    db.session.commit()
    working = select(Decision.id).where(Decision.status == DecisionStatus.OPEN.value).order_by(Decision.id)
    return {
        **ids,
        "meeting": db.session.scalar(select(Meeting.id).where(Meeting.status == MeetingStatus.APPROVED.value)),
        "decision": db.session.scalar(working),
        "checklist_version": draft.id,
        "checklist_section": draft.sections[0].id,
        "criterion": draft.sections[0].criteria[0].id,
    }


@pytest.fixture
def every_form(app, ids, admin_client):
    """Every POST form of the pages, of the walk's rows and of rows in other states."""
    found = find_forms(app, admin_client, ids)
    walked = {(form["endpoint"], tuple(form["text"])) for form in found}
    found += [
        form
        for form in find_forms(app, admin_client, other_rows(ids))
        if (form["endpoint"], tuple(form["text"])) not in walked
    ]
    return found


@pytest.fixture
def forms(every_form):
    """The forms with free text."""
    found = [form for form in every_form if form["text"]]
    endpoints = {form["endpoint"] for form in found}
    # The walk finds the forms it should: if a page stops showing one, this says so.
    assert {
        "directory.create",
        "meetings.add_row",
        "meetings.edit_attendee",
        "meetings.reopen",
        "decisions.move_deadline",
        "expertise.add_criterion",
        "expertise.rename_checklist",
    } <= endpoints
    return sorted(found, key=lambda form: form["endpoint"])


@pytest.mark.slow
def test_every_form_survives_the_nasty_strings(admin_client, forms):
    for form in forms:
        for n, htmx in enumerate((True, False, True)):
            # Each field gets a different nasty string, and another one on the next round.
            texts = NASTY[n * 3 :] + NASTY[: n * 3]
            check_answer(post(admin_client, form, texts, htmx), form)


@pytest.mark.slow
def test_every_form_survives_arbitrary_text(admin_client, forms):
    @SETTINGS
    @given(index=st.integers(0, len(forms) - 1), texts=st.lists(ANY_TEXT, min_size=1, max_size=4), htmx=st.booleans())
    def run(index, texts, htmx):
        check_answer(post(admin_client, forms[index], texts, htmx), forms[index])

    run()


@pytest.mark.slow
def test_every_field_survives_hostile_values(admin_client, every_form):
    """Ids above 2^63, NUL, CR/LF and tabs in each field in turn (selects, hidden ids and
    version counters too), the others as the page filled them: a page or a refusal with a
    message, never a 5xx."""
    from tests.test_access import HOSTILE

    assert len({form["endpoint"] for form in every_form}) > 40
    for form in every_form:
        for name in form["all"]:
            for n, value in enumerate(HOSTILE):
                data = {**form["all"], name: value}
                headers = {"HX-Request": "true"} if n % 2 else {}
                check_answer(admin_client.post(form["path"], data=data, headers=headers), form)


# --- documents and calendars made of stored text ----------------------------------------


def _comparable(text: str) -> str:
    """Letters and digits only, casefolded: what must survive any escaping, stripping,
    capitalization or wrapping the output formats apply."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_stored = itertools.count(1)


def _store_meeting(texts: list[str]) -> Meeting:
    """A meeting whose free text is ``texts`` (NUL aside: PostgreSQL cannot store it,
    and the forms strip it)."""
    texts = [text.replace("\x00", "") for text in texts]
    n = next(_stored)  # council names are unique
    council = factories.council(name=f"{n} {texts[0][:190]}", name_genitive=f"{n} {texts[0][:190]}")
    person = factories.person(surname=(texts[1][:100] or "Иванов"), position=texts[2][:500])
    meeting = Meeting(
        council=council,
        number=1,
        year=2030,
        date=clock.local_today() + timedelta(days=10),
        place=texts[3][:500],
        status=MeetingStatus.DRAFT.value,
    )
    db.session.add(meeting)
    db.session.flush()
    services.add_attendee(meeting, person.id, AttendanceMode.IN_PERSON)
    item = services.save_agenda_item(meeting, None, {"text": texts[1], "discussion": texts[2]})
    services.save_decision(meeting, None, {"text": texts[0], "agenda_item_id": item.id}, [person.id])
    db.session.flush()
    return meeting


@pytest.mark.slow
def test_protocol_docx_is_well_formed_for_any_stored_text(app, ctx):
    template = library.default_template("protocol_full")

    @SETTINGS
    @given(texts=st.lists(ANY_TEXT, min_size=4, max_size=4))
    def run(texts):
        try:
            meeting = _store_meeting(texts)
            data = render_document(template, contexts.protocol_context(meeting))
            with zipfile.ZipFile(io.BytesIO(data)) as package:  # every XML part parses
                for name in package.namelist():
                    if name.endswith((".xml", ".rels")):
                        etree.fromstring(package.read(name))
            document = docx.Document(io.BytesIO(data))
            written = _comparable(
                "\n".join(p.text for p in document.paragraphs)
                + "".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
            )
            for text in (meeting.agenda_items[0].text, meeting.decisions[0].text):
                assert _comparable(text) in written
        finally:
            db.session.rollback()

    run()


@pytest.mark.slow
def test_calendar_feed_is_well_formed_for_any_stored_text(app, ctx, client):
    from cluster_intranet.calendar import services as calendar_services
    from tests.conftest import make_user

    token = calendar_services.issue_token(make_user(Role.VIEWER))
    db.session.commit()

    @SETTINGS
    @given(texts=st.lists(ANY_TEXT, min_size=4, max_size=4))
    def run(texts):
        try:
            meeting = _store_meeting(texts)
            place, agenda = meeting.place, meeting.agenda_items[0].text
            db.session.commit()
            response = client.get(f"/calendar/feed/{token}/meetings.ics")
            assert response.status_code == 200
            raw = response.get_data()
            lines = raw.split(b"\r\n")
            assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)  # CRLF, folded at 75 octets
            calendar = icalendar.Calendar.from_ical(raw)
            (event,) = calendar.walk("VEVENT")
            assert _comparable(place) in _comparable(str(event["LOCATION"]))
            assert _comparable(agenda) in _comparable(str(event["DESCRIPTION"]))
        finally:
            db.session.rollback()
            for model in (Meeting,):
                for row in db.session.scalars(db.select(model)):
                    db.session.delete(row)
            db.session.commit()

    run()
