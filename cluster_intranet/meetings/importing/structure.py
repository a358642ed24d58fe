"""What a parsed protocol is: plain dataclasses, no Flask, no database.

Names are kept as written (an attendee snapshot is the protocol's own text); the
matcher normalises them when it looks for people. Everything the parser could not
place is kept verbatim in ``ParsedProtocol.unrecognised``, in document order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from ..protocol import signer


@dataclass
class Votes:
    """«Голосовали: «за» – 6, «против» – 0, «воздержались» – 0.» or «Голосовали: единогласно.»"""

    for_: int | None = None
    against: int | None = None
    abstained: int | None = None
    unanimous: bool = False

    def as_dict(self) -> dict:
        """As the intranet keeps a vote (model_mixins.VotesMixin.votes): «единогласно» as such."""
        if self.unanimous:
            return {"for": 0, "against": 0, "abstained": 0, "unanimous": True}
        return {
            "for": self.for_ or 0,
            "against": self.against or 0,
            "abstained": self.abstained or 0,
            "unanimous": False,
        }

    def as_counts(self, present: int) -> tuple[int, int, int]:
        """(for, against, abstained); «единогласно» counts everyone present as «за»."""
        if self.unanimous:
            return present, 0, 0
        return self.for_ or 0, self.against or 0, self.abstained or 0


@dataclass
class Attendee:
    """«Беляев Е.В., директор ООО «Гарантийный фонд Томской области»» as written."""

    name: str
    position: str = ""
    organization: str = ""


@dataclass
class Speech:
    """A line of СЛУШАЛИ or ВЫСТУПИЛИ: who (nominative; "" when the text names nobody)
    and what; ``written`` is the name as the protocol wrote it («Пояркову О.Н.»)."""

    name: str
    summary: str = ""
    written: str = ""


@dataclass
class Decision:
    number: str  # as printed: «3», «1.2»
    text: str
    responsible: list[str] = field(default_factory=list)  # names as written, the first leads
    deadline: date | None = None
    term: str = ""  # a term that is not a date: «постоянно», «ежеквартально»
    votes: Votes | None = None  # the decision's own vote, when the council voted on it alone
    item_number: int | None = None  # the agenda item it answers
    # The «Голосовали» lines printed after it, in order: ``settle_votes`` tells its own
    # vote from its item's once the item is known (the short form infers it).
    votes_printed: list[Votes] = field(default_factory=list)
    item_guessed: bool = False  # the item was inferred from the wording (short form): check it
    deadline_guessed: bool = False  # read from the middle of the wording: check it


@dataclass
class AgendaItem:
    number: int
    text: str
    speaker: str = ""  # «Докладчик – Пояркова О.Н.» (nominative)
    heard: list[Speech] = field(default_factory=list)  # СЛУШАЛИ
    spoke: list[Speech] = field(default_factory=list)  # ВЫСТУПИЛИ
    votes: Votes | None = None  # the item's one vote after its decisions
    votes_printed: Votes | None = None  # a «Голосовали» under the item before any decision


@dataclass
class ParsedProtocol:
    kind: str = "protocol"  # or "extract" (выписка из протокола)
    form: str = "short"  # "full" when it has СЛУШАЛИ/РЕШИЛИ per item or a chair/place block
    council: str = ""  # the council's name in the nominative, when written
    council_genitive: str = ""  # «Координационного совета …» (after «заседания»)
    number: int | None = None
    date: date | None = None
    city: str = ""
    place: str = ""
    start_time: time | None = None
    end_time: time | None = None
    chair: str = ""  # «Пояркова О.Н.» (surname first, as written otherwise)
    secretary: str = ""
    chair_title: str = ""  # the signature's position: «Председатель Экспертного совета»
    secretary_title: str = ""
    attendees_in_person: list[Attendee] = field(default_factory=list)
    attendees_online: list[Attendee] = field(default_factory=list)
    invited: list[Attendee] = field(default_factory=list)
    attendees_count: int | None = None  # «Присутствовали: 25 чел.»
    agenda: list[AgendaItem] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)  # all, in order
    # «Приложения:» of the full form, as written: the files themselves are the meeting's
    # materials, uploaded to it (the review page says so), not read from the text.
    appendices: list[str] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)  # lines kept verbatim
    uncertain: list[str] = field(default_factory=list)  # what the review page should flag

    @property
    def attendees(self) -> list[Attendee]:
        return [*self.attendees_in_person, *self.attendees_online, *self.invited]

    def assign_items(self, items: dict[int, int | None]) -> None:
        """The decisions' agenda items as the secretary corrected them (decision index →
        item number), and the votes settled again for them."""
        for index, number in items.items():
            self.decisions[index].item_number = number
        settle_votes(self)

    def item(self, number: int | None) -> AgendaItem | None:
        return next((item for item in self.agenda if item.number == number), None)

    def item_decisions(self, number: int | None) -> list[Decision]:
        return [d for d in self.decisions if d.item_number == number]

    def effective_votes(self, decision: Decision) -> Votes | None:
        """The decision's own vote, or its item's."""
        if decision.votes is not None:
            return decision.votes
        item = self.item(decision.item_number)
        return item.votes if item else None

    @property
    def is_empty(self) -> bool:
        """Nothing that makes a protocol: no number, date, people, agenda or decisions."""
        return not (self.number or self.date or self.attendees or self.agenda or self.decisions)


def settle_votes(parsed: ParsedProtocol) -> None:
    """Whose vote each printed «Голосовали» is, given the decisions' agenda items.

    Both forms print an item's vote after its last decision (the short form in its flat
    list, the full form at the end of РЕШИЛИ) and a decision's own vote, when it was
    voted on separately, right under it — before its item's when it is the last. So the
    last vote after an item's last decision is the item's; a decision has a vote of its
    own only when the text shows one apart from that: under a decision that is not its
    item's last, or a first of two under the last. Run again when the items change (the
    secretary corrects the short form's inferred items on the review page).
    """
    last: dict[int, Decision] = {}
    for decision in parsed.decisions:
        decision.votes = None
        if decision.item_number is not None:
            last[decision.item_number] = decision
    for item in parsed.agenda:
        item.votes = item.votes_printed
    for decision in parsed.decisions:
        printed = decision.votes_printed
        item = parsed.item(decision.item_number)
        if printed and item is not None and item.votes is None and last.get(item.number) is decision:
            item.votes, printed = printed[-1], printed[:-1]
        decision.votes = printed[0] if printed else None


def protocol_data(parsed: ParsedProtocol) -> dict:
    """The parsed protocol in the shape of ``meetings.protocol.protocol_data`` (the
    documents' context): what the protocol will read like once saved, and what the
    round-trip tests compare with the context it was generated from."""
    present = len(parsed.attendees_in_person) + len(parsed.attendees_online)

    def person(name: str, title: str) -> dict | None:
        return signer(name, title) if name else None

    def attendee(a: Attendee) -> dict:
        return {"name": a.name, "position": a.position, "organization": a.organization}

    def decision(number: int, d: Decision) -> dict:
        return {
            "number": number,
            "label": d.number,
            "text": d.text,
            "responsible": [{"name": name} for name in d.responsible],
            "deadline": d.deadline,
            "term": d.term,
            "votes": d.votes and d.votes.as_dict(),
            "item_votes": None,
            "item_number": d.item_number,
        }

    decisions = [decision(number, d) for number, d in enumerate(parsed.decisions, start=1)]
    for item in parsed.agenda:  # as the intranet's context: the item's vote on its last decision too
        mine = [d for d in decisions if d["item_number"] == item.number]
        if mine:
            mine[-1]["item_votes"] = item.votes and item.votes.as_dict()
    return {
        "meeting": {
            "number": parsed.number,
            "date": parsed.date,
            "city": parsed.city,
            "place": parsed.place,
            "start_time": parsed.start_time,
            "end_time": parsed.end_time,
            "council": {"name": parsed.council, "name_genitive": parsed.council_genitive},
        },
        "chair": person(parsed.chair, parsed.chair_title),
        "secretary": person(parsed.secretary, parsed.secretary_title),
        "attendees_in_person": [attendee(a) for a in parsed.attendees_in_person],
        "attendees_online": [attendee(a) for a in parsed.attendees_online],
        "invited": [attendee(a) for a in parsed.invited],
        "attendees_total": parsed.attendees_count if parsed.attendees_count is not None else present,
        "agenda": [
            {
                "number": item.number,
                "text": item.text,
                "speaker": item.speaker,
                "speakers": [{"name": s.name, "summary": s.summary} for s in item.heard],
                "discussion": [{"name": s.name, "summary": s.summary} for s in item.spoke],
                "decisions": [d for d in decisions if d["item_number"] == item.number],
                "votes": item.votes and item.votes.as_dict(),
            }
            for item in parsed.agenda
        ],
        "decisions": decisions,
        "decisions_without_item": [d for d in decisions if d["item_number"] is None],
        "appendices": [],  # the materials are uploaded to the meeting, not read from its text
    }
