"""The contexts of the meeting documents, built from the models.

Each function returns the plain dict that one kind of template is filled with; the
contract (every variable) is written in build_templates.py and shown to users on
the reference page, which is generated from DEMO_CONTEXTS below. A test checks that
the real contexts and the demo ones have the same keys, so neither drifts.

Other areas that render documents may call these functions; in particular the
decisions area calls ``decisions_report_context`` with any list of decisions it
has filtered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

from flask import current_app

from .. import clock
from ..auth.models import User
from ..councils.models import Council, MemberRole
from ..decisions.models import Decision, DecisionStatus
from ..decisions.numbering import decision_labels
from ..directory.models import Person
from ..meetings import protocol
from ..meetings.models import Meeting
from ..text import initials_first

CLUSTER_GENITIVE = "Промышленного образовательно-отраслевого кластера"
OVERDUE = "Просрочено"
# Report rows and totals: the statuses in the order a reader expects them.
STATUS_ORDER = [
    DecisionStatus.OPEN.label,
    DecisionStatus.IN_PROGRESS.label,
    OVERDUE,
    DecisionStatus.DONE.label,
    DecisionStatus.CANCELLED.label,
]

_SETTLEMENT = re.compile(r"^(г|гор|с|п|пос|пгт|рп|д|дер|ст|х|аул)\.\s*", re.IGNORECASE)


def settlement(city: str | None) -> str:
    """The place line of a protocol, «г. Томск»: a bare «Томск» gets its «г. ».

    Meetings store the city as written («г. Томск», «с. Кожевниково»), so the
    templates print it as is.
    """
    city = " ".join((city or "").split())
    if not city:
        return ""
    match = _SETTLEMENT.match(city)
    if match:
        return f"{match.group(1)}. {city[match.end() :]}"
    return f"г. {city}"


# The protocol ----------------------------------------------------------------------


def protocol_context(meeting: Meeting, *, list_threshold: int | None = None) -> dict:
    """The protocol of ``meeting`` as its document reads (short and full forms).

    An approved protocol reads as it was approved: execution control later moves
    deadlines and changes statuses of its decisions, but not the protocol. A draft
    reads as it is now.
    """
    if meeting.is_locked and meeting.versions:
        return protocol_context_from_snapshot(
            meeting.versions[-1].snapshot, list_threshold=list_threshold, council_form=meeting.council.protocol_form
        )
    return complete_protocol(protocol.protocol_data(meeting), list_threshold=list_threshold)


def protocol_context_from_snapshot(
    snapshot: dict, *, list_threshold: int | None = None, council_form: str = "short"
) -> dict:
    """An approved version of the protocol, as it was approved.

    The snapshot is ``json_safe(protocol_data)``: dates and times are ISO strings,
    turned back into values here so that the date filters work.
    """
    return complete_protocol(_revive(snapshot), list_threshold=list_threshold, council_form=council_form)


_DATE_KEYS = {"date", "deadline"}
_TIME_KEYS = {"start_time", "end_time"}
json_safe = protocol.json_safe  # the one encoder of snapshots: dates and times as ISO strings


def revive(value, date_keys=_DATE_KEYS, time_keys=_TIME_KEYS, key: str | None = None):
    """A snapshot's ISO strings under ``date_keys``/``time_keys`` back into dates and times."""
    if isinstance(value, dict):
        return {k: revive(v, date_keys, time_keys, k) for k, v in value.items()}
    if isinstance(value, list):
        return [revive(item, date_keys, time_keys) for item in value]
    if isinstance(value, str) and value:
        try:
            if key in date_keys:
                return dt.date.fromisoformat(value)
            if key in time_keys:
                return dt.time.fromisoformat(value)
        except ValueError:
            return value
    return value


_revive = revive


def complete_protocol(data: dict, *, list_threshold: int | None = None, council_form: str = "short") -> dict:
    """``meetings.protocol.protocol_data`` (or a snapshot of it) → the template contract."""
    if list_threshold is None:
        list_threshold = current_app.config["DOCUMENTS_ATTENDEES_LIST_THRESHOLD"]
    meeting = data["meeting"]
    meeting["city"] = settlement(meeting.get("city"))
    meeting["place"] = meeting.get("place") or ""
    for role in ("chair", "secretary"):
        if data.get(role):
            data[role]["position"] = data[role]["position"].strip()
        else:
            data[role] = None
    for key in (
        "attendees_in_person",
        "attendees_online",
        "invited",
        "agenda",
        "decisions",
        "decisions_without_item",
        "appendices",
    ):
        data[key] = data.get(key) or []
    # Versions approved before votes belonged to items (and «единогласно») lack these keys,
    # and those approved before the numbering was one their decisions' labels.
    for item in data["agenda"]:
        item.setdefault("votes", None)
        item.setdefault("speaker", item["speakers"][0]["name"] if item.get("speakers") else "")
    flat = data["decisions"]
    if any("label" not in d for d in flat):
        labels = decision_labels(council_form, [d.get("item_number") for d in flat], len(data["agenda"]))
        by_number = {d["number"]: label for d, label in zip(flat, labels)}
    for decision in [
        *flat,
        *data["decisions_without_item"],
        *(d for item in data["agenda"] for d in item["decisions"]),
    ]:
        decision.setdefault("item_votes", None)
        decision.setdefault("term", "")
        if "label" not in decision:
            decision["label"] = by_number.get(decision["number"], str(decision["number"]))
        if decision.get("votes"):
            decision["votes"].setdefault("unanimous", False)
    total = len(data["attendees_in_person"]) + len(data["attendees_online"])
    data["attendees_total"] = total
    # ГОСТ Р 7.0.97-2016: with many attendees the protocol gives the count and attaches the list.
    data["attendees_as_count"] = total > list_threshold
    return data


# The extract ----------------------------------------------------------------------


def extract_context(
    meeting: Meeting,
    decision_ids: Iterable[int],
    certified_by: User,
    *,
    item_ids: Iterable[int] = (),
    signer: Person | None = None,
    today: dt.date | None = None,
) -> dict:
    """«Выписка из протокола»: the protocol's header, the chosen agenda items whole (their
    СЛУШАЛИ and every decision) and the chosen single decisions (with their item's
    СЛУШАЛИ), certified «Верно» by ``signer`` (by default the council's secretary, see
    ``default_signer``) on ``today``. Ids of other meetings' items and decisions are ignored."""
    item_numbers = {n for n, item in enumerate(meeting.agenda_items, start=1) if item.id in set(item_ids)}
    chosen = set(decision_ids)
    numbers = {d.number for d in meeting.decisions if d.id in chosen}
    context = protocol_context(meeting)
    numbers |= {d["number"] for d in context["decisions"] if d["item_number"] in item_numbers}

    def keep(decisions: list[dict]) -> list[dict]:
        return [d for d in decisions if d["number"] in numbers]

    context["decisions"] = keep(context["decisions"])
    context["decisions_without_item"] = keep(context["decisions_without_item"])
    context["agenda"] = [
        {**item, "decisions": keep(item["decisions"])}
        for item in context["agenda"]
        if item["number"] in item_numbers or keep(item["decisions"])
    ]
    person = signer or default_signer(meeting, certified_by)
    context["certified"] = certification(meeting, person, today or clock.local_today())
    return context


def default_signer(meeting: Meeting, user: User) -> Person | None:
    """Who certifies an extract unless the user picks another: the council's secretary
    in the directory, else the meeting's secretary, else the user's own person."""
    secretary = next((m.person for m in meeting.council.members if m.role == MemberRole.SECRETARY), None)
    return secretary or meeting.secretary or user.person


def signer_choices(meeting: Meeting, user: User) -> list[Person]:
    """Whom the extract form offers to certify it: the default first, then the meeting's
    secretary and chair, the council's members and the user's own person."""
    people = [
        default_signer(meeting, user),
        meeting.secretary,
        meeting.chair,
        *(m.person for m in meeting.council.members),
        user.person,
    ]
    return list({p.id: p for p in people if p is not None}.values())


def certification(meeting: Meeting, person: Person | None, on: dt.date) -> dict:
    """Who certifies an extract: position (their role in the council when they have
    one, else their job), «И.О. Фамилия», the date."""
    if person is None:  # nobody known: a blank line to sign by hand
        return {"position": "", "name": "", "date": on}
    council = meeting.council
    role = None
    if person.id is not None and person.id == meeting.secretary_id:
        role = MemberRole.SECRETARY.label
    elif person.id is not None and person.id == meeting.chair_id:
        role = MemberRole.CHAIR.label
    elif person.id is not None:
        member = next((m for m in council.members if m.person_id == person.id), None)
        if member and member.role in (MemberRole.SECRETARY, MemberRole.CHAIR, MemberRole.DEPUTY):
            role = MemberRole(member.role).label
    if role and council.short_genitive:
        position = f"{role} {council.short_genitive}"
    else:
        position = person.position[:1].upper() + person.position[1:]
    return {"position": position, "name": initials_first(person.short_name, person.surname), "date": on}


# The report on the execution of decisions ------------------------------------------


def council_names(council: Council | None) -> dict:
    if council is None:  # a report over every council
        return {"name": f"Советы {CLUSTER_GENITIVE}", "name_genitive": f"советов {CLUSTER_GENITIVE}"}
    return {"name": council.name, "name_genitive": council.name_genitive}


def status_label(decision: Decision, today: dt.date) -> str:
    """The status as the report prints it: an unfinished decision past its deadline is overdue."""
    return OVERDUE if decision.overdue_days(today) else decision.status_enum.label


def decisions_report_context(
    council: Council | None,
    period_start: dt.date,
    period_end: dt.date,
    decisions: Iterable[Decision],
    *,
    today: dt.date | None = None,
) -> dict:
    """«Отчёт об исполнении решений» over ``decisions``, in the order given.

    Any filtered list will do (the caller chooses which decisions a period covers);
    load ``Decision.meeting`` and ``Decision.responsibles`` → ``person`` eagerly for
    long lists. ``council`` None: a report over every council.
    """
    today = today or clock.local_today()
    rows = []
    for decision in decisions:
        overdue = decision.overdue_days(today)
        done = decision.status == DecisionStatus.DONE
        cancelled = decision.status == DecisionStatus.CANCELLED
        rows.append(
            {
                "number": decision.number,
                "label": decision.numbered,
                "text": decision.text,
                "meeting_number": decision.meeting.number,
                "meeting_date": decision.meeting.date,
                "responsible": [{"name": p.short_name} for p in decision.responsible_people],
                "deadline": decision.deadline,
                "term": decision.term,
                "status_label": status_label(decision, today),
                # A cancelled decision reports why it was cancelled.
                "report_text": decision.report_text or (decision.cancel_reason if cancelled else ""),
                "done_on": decision.report_date if done else None,
                "overdue_days": overdue or None,
            }
        )
    counts = Counter(row["status_label"] for row in rows)
    totals = [{"label": "Всего решений", "count": len(rows)}] if rows else []
    totals += [{"label": label, "count": counts[label]} for label in STATUS_ORDER if counts[label]]
    return {
        "council": council_names(council),
        "period_start": period_start,
        "period_end": period_end,
        "rows": rows,
        "totals": totals,
    }


# Demo contexts: every variable filled (upload checks and the reference page) ---------
#
# Uploaded templates are checked against these with StrictUndefined, so every key a
# real context has must be here with a non-empty value, and nothing more.

_COUNCIL = {
    "name": f"Координационный совет {CLUSTER_GENITIVE}",
    "name_genitive": f"Координационного совета {CLUSTER_GENITIVE}",
}


def _attendee(name: str, position: str, organization: str) -> dict:
    return {"name": name, "position": position, "organization": organization}


def _demo_decisions() -> list[dict]:
    return [
        {
            "number": 1,
            "label": "1.1",
            "text": "Поручить Экспертному совету Промышленного образовательно-отраслевого кластера разработку "
            "экспертных чек-листов с критериями оценки основных образовательных программ СПО.",
            "responsible": [{"name": "Пояркова О.Н."}],
            "deadline": dt.date(2021, 12, 1),
            "term": "постоянно",
            "votes": {"for": 11, "against": 0, "abstained": 0, "unanimous": False},
            "item_votes": {"for": 11, "against": 0, "abstained": 0, "unanimous": True},
            "item_number": 1,
        },
        {
            "number": 2,
            "label": "2.1",
            "text": "Разработать медиаплан Промышленного образовательно-отраслевого кластера на 2021 - 2022 годы.",
            "responsible": [{"name": "Кузнецова Н.В."}, {"name": "Жарких Е.В."}],
            "deadline": dt.date(2021, 12, 1),
            "term": "ежеквартально",
            "votes": {"for": 10, "against": 0, "abstained": 1, "unanimous": False},
            "item_votes": {"for": 10, "against": 0, "abstained": 1, "unanimous": False},
            "item_number": 2,
        },
        {
            "number": 3,
            "label": "3.1",
            "text": "Провести следующее заседание Координационного совета в декабре 2021 года.",
            "responsible": [{"name": "Жарких Е.В."}],
            "deadline": dt.date(2021, 12, 20),
            "term": "ежемесячно до 5 числа",
            "votes": {"for": 11, "against": 0, "abstained": 0, "unanimous": False},
            "item_votes": None,
            "item_number": None,
        },
    ]


def demo_protocol_context() -> dict:
    """The seed meeting of 22.10.2021 with everything a protocol can have."""
    decisions = _demo_decisions()
    in_person = [
        _attendee("Беляев Е.В.", "директор", "ООО «Гарантийный фонд Томской области»"),
        _attendee("Елисеев В.А.", "директор", "ОГБПОУ «Томский индустриальный техникум»"),
    ]
    online = [_attendee("Кускова Е.В.", "директор", "ОГБПОУ «Томский аграрный колледж»")]
    return {
        "meeting": {
            "number": 2,
            "date": dt.date(2021, 10, 22),
            "city": "г. Томск",
            "place": "пр. Кирова, 41, конференц-зал",
            "start_time": dt.time(14, 0),
            "end_time": dt.time(15, 30),
            "council": dict(_COUNCIL),
        },
        "chair": protocol.signer("Беляев Е.В.", "Председатель Координационного совета"),
        "secretary": protocol.signer("Жарких Е.В.", "Секретарь Координационного совета"),
        "attendees_in_person": in_person,
        "attendees_online": online,
        "invited": [_attendee("Пояркова О.Н.", "председатель", "Экспертного совета кластера")],
        "attendees_total": len(in_person) + len(online),
        "attendees_as_count": False,
        "agenda": [
            {
                "number": 1,
                "speaker": "Пояркова О.Н.",
                "text": "Процедурные вопросы согласования основных образовательных программ СПО "
                "со стороны предприятий-работодателей;",
                "speakers": [
                    {"name": "Пояркова О.Н.", "summary": "о порядке согласования программ СПО с работодателями."}
                ],
                "discussion": [{"name": "Елисеев В.А.", "summary": "предложил проводить экспертные сессии."}],
                "decisions": [decisions[0]],
                "votes": {"for": 11, "against": 0, "abstained": 0, "unanimous": True},
            },
            {
                "number": 2,
                "speaker": "Беляев Е.В.",
                "text": "Единообразие подходов участников кластера к освещению знаковых мероприятий и событий.",
                "speakers": [{"name": "Беляев Е.В.", "summary": "об освещении событий кластера."}],
                "discussion": [{"name": "Кускова Е.В.", "summary": "предложила единый медиаплан."}],
                "decisions": [decisions[1]],
                "votes": {"for": 10, "against": 0, "abstained": 1, "unanimous": False},
            },
        ],
        "decisions": decisions,
        "decisions_without_item": [decisions[2]],
        "appendices": [
            {
                "number": 1,
                "title": "Порядок согласования образовательных программ с работодателями",
                "filename": "Порядок согласования.docx",
                "item_number": 1,
            },
        ],
    }


def demo_extract_context() -> dict:
    context = demo_protocol_context()
    context["certified"] = {
        "position": "Секретарь Координационного совета",
        "name": "Е.В. Жарких",
        "date": dt.date(2021, 10, 25),
    }
    return context


def demo_decisions_report_context() -> dict:
    meeting_date = dt.date(2021, 10, 22)
    return {
        "council": dict(_COUNCIL),
        "period_start": dt.date(2021, 10, 1),
        "period_end": dt.date(2021, 12, 31),
        "rows": [
            {
                "number": 1,
                "label": "1",
                "text": "Поручить Экспертному совету разработку экспертных чек-листов.",
                "meeting_number": 2,
                "meeting_date": meeting_date,
                "responsible": [{"name": "Пояркова О.Н."}],
                "deadline": dt.date(2021, 12, 1),
                "term": "постоянно",
                "status_label": DecisionStatus.DONE.label,
                "report_text": "Чек-листы утверждены Экспертным советом.",
                "done_on": dt.date(2021, 11, 25),
                "overdue_days": 14,
            },
        ],
        "totals": [
            {"label": "Всего решений", "count": 1},
            {"label": DecisionStatus.DONE.label, "count": 1},
        ],
    }


# kind -> the demo context; other areas keep theirs in <area>/documents.py (DEMO_CONTEXTS).
DEMO_CONTEXTS = {
    "protocol_short": demo_protocol_context,
    "protocol_full": demo_protocol_context,
    "extract": demo_extract_context,
    "decisions_report": demo_decisions_report_context,
}
