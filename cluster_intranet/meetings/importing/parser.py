"""The protocol parser: lines of text in, a ``ParsedProtocol`` out.

Pure: no Flask, no database. It reads both forms the intranet writes (the short form
of the seed protocol and the full form of ГОСТ Р 7.0.97-2016 with СЛУШАЛИ /
ВЫСТУПИЛИ / РЕШИЛИ per item) and the usual variants secretaries type: «Повестка
дня» for «Обсуждаемые вопросы», «ПОСТАНОВИЛИ» for «РЕШИЛИ», «Ответственные –» for
«Ответственный исполнитель –», «до 1 декабря 2021 г.» for «срок до 01.12.2021»,
names with sloppy initials («Криков А. Н.», «Матвеев Д..М.»).

A line is one paragraph (a .docx paragraph, or a line of a text file); Word's own
numbering arrives as text («1. »), put there by the reader. Every line the parser
cannot place is kept verbatim in ``unrecognised``, so nothing of the original is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time

from . import names, phrases
from .structure import AgendaItem, Attendee, Decision, ParsedProtocol, Speech, settle_votes


def lines_from_text(text: str) -> list[str]:
    """A pasted or .txt protocol: one line per paragraph, blank lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").lstrip("\ufeff")
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


def parse_text(text: str) -> ParsedProtocol:
    return parse(lines_from_text(text))


class _Parser:
    def __init__(self) -> None:
        self.result = ParsedProtocol()
        self.section = "header"
        self.item: AgendaItem | None = None  # the item of СЛУШАЛИ/РЕШИЛИ being read
        self.mode = ""  # within an item: heard, spoke, decided
        self.decision: Decision | None = None
        self.decision_closed = False  # its responsible/deadline line was read
        self.decision_numbered = False
        self.expect_genitive = False
        self.signature_role: str | None = None
        self.signature_title = ""
        self.full_markers = 0

    # helpers ------------------------------------------------------------------------

    def unrecognised(self, line: str) -> None:
        self.result.unrecognised.append(line)

    def _item_for(self, number: int) -> AgendaItem:
        item = self.result.item(number)
        if item is None:
            item = AgendaItem(number=number, text="")
            self.result.agenda.append(item)
            self.result.agenda.sort(key=lambda i: i.number)
        return item

    def _people_list(self, section: str) -> list[Attendee]:
        return {
            "in_person": self.result.attendees_in_person,
            "online": self.result.attendees_online,
            "invited": self.result.invited,
        }[section]

    # the line dispatcher ------------------------------------------------------------

    def feed(self, line: str) -> None:
        text = " ".join(line.split())  # tabs, no-break and repeated spaces: one space
        if not text:
            return
        if self.signature_role:
            role, self.signature_role = self.signature_role, None
            if names.looks_like_name(text):
                self._set_role(role, text, self.signature_title)
                return
            self.unrecognised(self.signature_title)
        if self.expect_genitive:
            self.expect_genitive = False
            if not self.result.council_genitive and "совет" in text.lower():
                self.result.council_genitive = text
                return
        if self._heading(text) or self._role(text):
            return
        handler = getattr(self, f"_in_{self.section}")
        handler(text)

    def _heading(self, text: str) -> bool:
        for pattern, section in phrases.SECTIONS:
            match = pattern.match(text)
            if not match:
                continue
            if section == "count":
                self.result.attendees_count = int(match.group("count"))
                self.section = "header"
            elif section == "appendix":
                if self.section == "header" and text.lower().startswith("от "):
                    return False  # «от 12.04.2023 № 7» under the title: the protocol's own date
                self.section = "appendix"
            else:
                self.section = section
                self.item, self.mode, self.decision = None, "", None
            return True
        for pattern, section in phrases.INLINE_SECTIONS:
            match = pattern.match(text)
            if match:
                self.section, self.item, self.mode, self.decision = section, None, "", None
                if section == "agenda":
                    self._in_agenda(match.group("rest"))
                else:
                    self._inline_people(match.group("rest"))
                return True
        match = phrases.HEARD.match(text)
        if match:
            number = phrases.item_number(match) or (self.item.number + 1 if self.item else 1)
            self.item, self.mode, self.decision, self.section = self._item_for(number), "heard", None, "item"
            self.full_markers += 1
            if match.group("rest"):
                self._in_item(match.group("rest"))
            return True
        match = phrases.SPOKE.match(text)
        if match and self.section == "item":
            self.mode = "spoke"
            if match.group("rest"):
                self._in_item(match.group("rest"))
            return True
        match = phrases.DECIDED.match(text)
        if match:
            if phrases.item_number(match):
                self.item, self.section = self._item_for(phrases.item_number(match)), "item"
            if self.section == "item":
                self.mode = "decided"
                self.full_markers += 1
            else:
                self.section = "general"
            self.decision = None
            if match.group("rest"):
                self.feed(match.group("rest"))
            return True
        match = phrases.VOTED.match(text)
        if match and self.section in ("item", "general"):
            votes = phrases.parse_votes(match.group("rest"))
            if self.decision is not None:
                self.decision.votes_printed.append(votes)  # its own or its item's: settle_votes
            elif self.item is not None and self.item.votes_printed is None:
                self.item.votes_printed = votes
            else:
                self.unrecognised(text)
            return True
        return False

    def _set_role(self, role: str, name: str, title: str = "") -> None:
        name = names.normalise(name)
        attribute = "chair" if role.lower().startswith("председател") else "secretary"
        if title and not getattr(self.result, f"{attribute}_title"):
            setattr(self.result, f"{attribute}_title", title)
        current = getattr(self.result, attribute)
        if current and names.key(current) != names.key(name):
            self.result.uncertain.append(
                f"{'Председатель' if attribute == 'chair' else 'Секретарь'} в подписи ({name}) "
                f"не совпадает с указанным в начале ({current})."
            )
        elif not current:
            setattr(self.result, attribute, name)

    def _role(self, text: str) -> bool:
        """«Председатель – О.Н. Пояркова», or a signature: «Секретарь Координационного
        совета» with the name after a tab or on the next line."""
        match = phrases.ROLE_LINE.match(text)
        if match and names.looks_like_name(match.group("name")):
            self._set_role(match.group("role"), match.group("name"))
            self.full_markers += 1
            return True
        match = phrases.SIGNATURE.match(text)
        if match:
            # «Секретарь Координационного совета<tab>Е.В. Жарких»: the name at the end.
            words = match.group("rest").split()
            tail = " ".join(words[-2:]) if len(words) >= 2 else ""
            if tail and names.looks_like_name(tail):
                self._set_role(match.group("role"), tail, " ".join(text.split()[:-2]))
            else:
                self.signature_role, self.signature_title = match.group("role"), text
            self.section = "signatures"
            return True
        return False

    # sections -----------------------------------------------------------------------

    def _in_header(self, text: str) -> None:
        result = self.result
        plain = text
        match = phrases.TITLE.match(plain)
        if match:
            if match.group("extract"):
                result.kind = "extract"
            number = re.search(r"№\s*(\d+)", plain)
            if number:
                result.number = int(number.group(1))
            rest = re.sub(r"\s*№\s*\d+", "", plain[match.start("rest") :]).strip()
            if rest and "совет" in rest.lower() and not rest.lower().startswith("заседания"):
                result.council_genitive = rest
            elif rest:
                self._in_header(rest)
            return
        if plain.lower() == "заседания":
            self.expect_genitive = True
            return
        if plain.lower().startswith("заседания "):
            result.council_genitive = plain[len("заседания ") :].strip()
            return
        match = phrases.DATE_LINE.match(plain)
        if match and phrases.parse_date(match.group("date")):
            result.date = phrases.parse_date(match.group("date"))
            if match.group("number"):
                result.number = int(match.group("number"))
            if match.group("city"):
                result.city = match.group("city")
            return
        match = phrases.CITY_DATE_LINE.match(plain)
        if match and phrases.parse_date(match.group("date")):
            result.date = phrases.parse_date(match.group("date"))
            result.city = result.city or match.group("city")
            if match.group("number"):
                result.number = int(match.group("number"))
            return
        match = re.fullmatch(r"№\s*(\d+)", plain)
        if match:
            result.number = int(match.group(1))
            return
        if phrases.CITY.match(plain) and not result.city:
            result.city = plain
            return
        match = phrases.PLACE.match(plain)
        if match:
            result.place = match.group("place").strip()
            self.full_markers += 1
            return
        match = phrases.TIMES.match(plain)
        if match:
            found = phrases.TIME.findall(match.group("times"))
            if found:
                result.start_time = time(int(found[0][0]), int(found[0][1]))
            if len(found) > 1:
                result.end_time = time(int(found[1][0]), int(found[1][1]))
            return
        if "совет" in plain.lower() and not result.council and result.number is None and not result.date:
            result.council = plain
            return
        self.unrecognised(text)

    def _attendee_line(self, text: str) -> Attendee | None:
        match = phrases.NUMBER.match(text)
        body = match.group("text") if match else text
        if " | " in body:  # a row of an attendee table: name | position | organization
            cells = [cell.strip() for cell in body.split(" | ")]
            if names.looks_like_name(cells[0]):
                position, organization = (
                    (cells[1], " ".join(cells[2:])) if len(cells) > 2 else phrases.split_position(cells[1])
                )
                return Attendee(name=cells[0], position=position, organization=organization)
            return None
        if body.endswith(";") or (body.endswith(".") and "," in body):
            body = body[:-1].rstrip()
        name, _, rest = body.partition(",")
        if not names.looks_like_name(name):
            # «Беляев Е.В. – директор ООО …», or «Иванов И.И. (ООО «Ромашка»)»
            dashed = phrases.DASH_SPLIT.split(body, maxsplit=1)
            bracketed = re.fullmatch(r"(?P<name>[^()]+?)\s*\((?P<rest>[^()]+)\)", body)
            if len(dashed) == 2 and names.looks_like_name(dashed[0]):
                name, rest = dashed
            elif bracketed and names.looks_like_name(bracketed.group("name")):
                name, rest = bracketed.group("name"), bracketed.group("rest").strip()
                if not rest[:1].islower():  # the organisation alone: «(ООО «Ромашка»)»
                    return Attendee(name=" ".join(name.split()), organization=" ".join(rest.split()))
            else:
                return None
        position, organization = phrases.split_position(" ".join(rest.split()))
        return Attendee(name=" ".join(name.split()), position=position, organization=organization)

    def _in_people(self, text: str) -> None:
        attendee = self._attendee_line(text)
        if attendee is None:
            self.unrecognised(text)
        else:
            self._people_list(self.section).append(attendee)

    _in_in_person = _in_online = _in_invited = _in_people

    def _inline_people(self, text: str) -> None:
        """People after the heading on its line: «; » between them, or «, » between bare names."""
        pieces = [piece.strip() for piece in text.split(";") if piece.strip()]
        if len(pieces) == 1:
            commas = [part.strip() for part in pieces[0].split(",")]
            if len(commas) > 1 and all(names.looks_like_name(part) for part in commas):
                pieces = commas
        for piece in pieces:
            self._in_people(piece[:-1] if piece.endswith(("».", '".')) else piece)

    def _in_appendix(self, text: str) -> None:
        self.unrecognised(text)

    def _in_appendices(self, text: str) -> None:
        """«1. Презентация проекта чек-листа (к вопросу 1).»"""
        match = phrases.NUMBER.match(text)
        if match is None:
            self.unrecognised(text)
            return
        self.result.appendices.append(phrases.strip_item_end(match.group("text")))

    def _in_agenda(self, text: str) -> None:
        match = phrases.NUMBER.match(text)
        speaker = ""
        body = match.group("text") if match else text
        found = phrases.SPEAKER.search(body)
        if found and names.looks_like_name(found.group("name")):
            # the wording as written, its own full stop included («… СПО. Докладчик – …»)
            speaker, body = names.normalise(found.group("name")), body[: found.start()].rstrip()
        if match and "." not in match.group("label"):
            item = self._item_for(int(match.group("label")))
            item.text, item.speaker = body, speaker or item.speaker
        elif self.result.agenda and not body and speaker:
            self.result.agenda[-1].speaker = speaker
        elif self.result.agenda and body:
            last = self.result.agenda[-1]
            last.text = f"{last.text} {body}".strip()
            last.speaker = speaker or last.speaker
        elif body:
            self.result.agenda.append(AgendaItem(number=len(self.result.agenda) + 1, text=body, speaker=speaker))
        else:
            self.unrecognised(text)

    def _in_item(self, text: str) -> None:
        item = self.item
        if self.mode in ("heard", "spoke"):
            parts = phrases.DASH_SPLIT.split(text, maxsplit=1)
            who = parts[0] if len(parts) == 2 and names.looks_like_name(parts[0]) else ""
            if not who and names.looks_like_name(text):
                who, parts = text, [text, ""]
            summary = parts[1].strip() if who else text
            target = item.heard if self.mode == "heard" else item.spoke
            if self.mode == "heard" and not who and not target and (summary == item.text or not item.text):
                if not item.text:
                    item.text = summary  # «СЛУШАЛИ:» gives the item's wording when nobody reported
                return
            target.append(Speech(name=who, summary=summary, written=who))
            return
        if self.mode == "decided":
            self._decision_line(text, item.number)
            return
        self.unrecognised(text)

    def _in_general(self, text: str) -> None:
        self._decision_line(text, None)

    def _in_signatures(self, text: str) -> None:
        self.unrecognised(text)

    # decisions ----------------------------------------------------------------------

    def _decision_line(self, text: str, item_number: int | None) -> None:
        match = phrases.RESPONSIBLE.match(text)
        if match and self.decision is not None and text.lower().startswith(phrases.RESPONSIBLE_START):
            self._responsible(self.decision, match.group("rest"))
            return
        # «Срок – до 01.12.2021», «до 1 декабря 2021 г.»: the line is the term of the decision
        # above; «До 01.12.2021 направить …» is not.
        if self.decision is not None and (text.lower().startswith("срок") or phrases.INLINE_DEADLINE.match(text)):
            self._deadline(self.decision, text)
            return
        match = phrases.NUMBER.match(text)
        if match:
            label, body = match.group("label"), match.group("text")
        elif self.decision is not None and not self.decision_closed:
            self.decision.text = f"{self.decision.text} {text}"
            return
        elif self.decision is not None and self.decision_numbered:
            self.unrecognised(text)  # after numbered decisions, a loose line is not one
            return
        else:
            label, body = str(len(self.result.item_decisions(item_number)) + 1), text
            if item_number is not None:
                label = f"{item_number}.{label}"
        if item_number is None and "." in label:  # «1.2.» under a common heading: the item is in the number
            item_number = int(label.split(".")[0])
            self._item_for(item_number)
        inline = phrases.INLINE_RESPONSIBLE.split(body, maxsplit=1)
        decision = Decision(number=label, text=inline[0].strip(), item_number=item_number)
        self.result.decisions.append(decision)
        self.decision, self.decision_closed, self.decision_numbered = decision, False, bool(match)
        if len(inline) == 2:
            self._responsible(decision, phrases.RESPONSIBLE.match(inline[1]).group("rest"))

    def _deadline(self, decision: Decision, text: str) -> str:
        """Reads the deadline at the end of ``text`` into ``decision``; returns the rest."""
        match = phrases.DEADLINE.search(text)
        if match:
            decision.deadline = phrases.parse_date(match.group("date"))
            self.decision_closed = True
            return text[: match.start()]
        match = phrases.TERM.search(text)
        if match:
            decision.term = match.group("term").strip()
            self.decision_closed = True
            return text[: match.start()]
        return text

    def _responsible(self, decision: Decision, text: str) -> None:
        rest = self._deadline(decision, text.strip())
        people = [names.normalise(p) if names.looks_like_name(p) else p.strip() for p in re.split(r",|;|\sи\s", rest)]
        decision.responsible = [
            p for p in (p.strip().rstrip(".") if not names.looks_like_name(p) else p for p in people) if p
        ]
        self.decision_closed = True

    # after the last line ------------------------------------------------------------

    def finish(self) -> ParsedProtocol:
        result = self.result
        result.form = "full" if self.full_markers else "short"
        known = self._known_names()
        for item in result.agenda:
            for speech in item.heard:
                if speech.name:
                    speech.name = names.nominative(speech.written, known)
            if not item.speaker and len(item.heard) == 1 and item.heard[0].name:
                item.speaker = item.heard[0].name
        for decision in result.decisions:
            if decision.deadline is None and not decision.term:
                self._deadline_in_wording(decision)
        self._guess_items()
        settle_votes(result)
        for decision in result.decisions:
            if decision.item_number is not None and "." not in decision.number:
                decision.number = str(decision.number)
        if result.kind == "extract":
            result.uncertain.append("Это выписка из протокола, а не протокол: в ней только выбранные решения.")
        return result

    def _deadline_in_wording(self, decision: Decision) -> None:
        """A deadline written into the decision's sentence. At its end («… в срок до
        01.12.2021.») it leaves the wording: the protocol prints the term on a line of its
        own, and kept it would be said twice. In the middle («До 1 декабря 2021 г. направить
        …») the sentence stays whole, and the review page asks to check the date read."""
        found = phrases.INLINE_DEADLINE.search(decision.text)
        if found:
            decision.deadline = phrases.parse_date(found.group("date"))
            decision.text = phrases.without_term(decision.text, found)
            return
        written = phrases.MID_DEADLINE.findall(decision.text)
        # Two dates «до …» in one sentence: which is the term is for the secretary to say.
        if len(written) == 1 and (deadline := phrases.parse_date(written[0])):
            decision.deadline, decision.deadline_guessed = deadline, True
            self.result.uncertain.append(
                f"Срок решения {decision.number} прочитан из середины его текста ({decision.deadline:%d.%m.%Y}): проверьте."
            )

    def _known_names(self) -> list[str]:
        result = self.result
        known = [a.name for a in result.attendees] + [result.chair, result.secretary]
        known += [item.speaker for item in result.agenda]
        known += [name for d in result.decisions for name in d.responsible]
        return list(dict.fromkeys(name for name in known if name))

    def _guess_items(self) -> None:
        """The short form lists decisions after the whole agenda: each is linked to
        the item whose wording it shares most, keeping the agenda's order. A decision
        with two votes under it (its own, then its item's) is its item's last."""
        result = self.result
        loose = [d for d in result.decisions if d.item_number is None]
        if result.form != "short" or not loose or not result.agenda or len(loose) != len(result.decisions):
            return
        items = [phrases.stems(item.text) for item in result.agenda]
        scores = [[len(phrases.stems(d.text) & stems) for stems in items] for d in loose]
        for decision in loose:
            decision.item_guessed = True  # the review page asks for the item, guessed or not
        if not any(any(row) for row in scores):
            result.uncertain.append(
                "Вопросы повестки, к которым относятся решения, в протоколе не указаны: выберите их."
            )
            return
        last = [len(d.votes_printed) > 1 for d in loose]
        path = _ordered_assignment(scores, last) or _ordered_assignment(scores, [False] * len(loose))
        for decision, i in zip(loose, path):
            decision.item_number = result.agenda[i].number
        result.uncertain.append("Вопросы повестки, к которым относятся решения, определены по тексту: проверьте их.")


def _ordered_assignment(scores: list[list[int]], last: list[bool]) -> list[int] | None:
    """The items (indexes) of decisions 0..n in order, never going back, with the most
    shared words in total; a decision marked ``last`` ends its item (the next is on a
    later one). None when no assignment keeps to that."""
    impossible = -(10**9)
    # best[k][i]: the best total of decisions 0..k with decision k on item i
    best = [scores[0][:]]
    back: list[list[int]] = [[0] * len(scores[0])]
    for k in range(1, len(scores)):
        row, links, top, top_at = [], [], impossible, 0
        for i in range(len(scores[k])):
            if not last[k - 1] and best[k - 1][i] > top:
                top, top_at = best[k - 1][i], i
            row.append(top + scores[k][i])
            links.append(top_at)
            if last[k - 1] and best[k - 1][i] > top:
                top, top_at = best[k - 1][i], i
        best.append(row)
        back.append(links)
    i = max(range(len(best[-1])), key=lambda j: best[-1][j])
    if best[-1][i] < 0:
        return None
    path = []
    for k in range(len(scores) - 1, -1, -1):
        path.append(i)
        i = back[k][i]
    return path[::-1]


def parse(lines: Iterable[str]) -> ParsedProtocol:
    """The protocol in ``lines`` (one paragraph each)."""
    parser = _Parser()
    for line in lines:
        parser.feed(line)
    return parser.finish()
