"""Issue 14's proof: the Expert Council's protocol of 17.11.2021 entered through the pages
in chromium exactly as a secretary would, from an empty meeting of the demo's Expert
Council, then downloaded in the full form: through LibreOffice its text equals
../shared/seed/protocol-2021-11-17-expert-council.txt line for line. The test counts
the form submissions it needed (every POST after signing in) and prints them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.documents.test_expert_protocol import assert_same_lines, expected_lines
from tests.documents.test_fidelity import normalized_lines
from tests.live_server import BROWSER_TESTS, signed_in_fixtures

pytestmark = BROWSER_TESTS


def _prepare():
    """The demo without this protocol and the newcomers it brought: an empty meeting No. 1 of 17.11.2021."""
    import datetime as dt

    from sqlalchemy import select

    from cluster_intranet.councils.models import Council
    from cluster_intranet.demo import seed
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.models import Meeting, MeetingStatus
    from tests.factories import demo_without_the_second_protocol

    seed()
    demo_without_the_second_protocol()  # Мельникова-Гросс and her organisation are created from the pages
    expert = db.session.scalar(select(Council).where(Council.protocol_form == "full"))
    empty = Meeting(council=expert, number=1, year=2021, date=dt.date(2021, 11, 17), status=MeetingStatus.PLANNED.value)
    db.session.add(empty)
    db.session.flush()
    return empty.id


live, page = signed_in_fixtures(_prepare)

IN_PERSON = [
    ("Поярк", "Пояркова О.Н."),
    ("Соколов", "Соколов А.В."),
    ("Иванова", "Иванова М.С."),
    ("Кузнецова", "Кузнецова Н.В."),
    ("Елисеев", "Елисеев В.А."),
]
ONLINE = [("Петренко", "Петренко О.И.")]
INVITED = [("Королева", "Королева О.М."), ("Мельникова", "Мельникова-Гросс Ю.А.")]
AGENDA = [
    {
        "text": "О структуре экспертного чек-листа оценки основных образовательных программ СПО.",
        "speaker_name": "Пояркова О.Н.",
        "speaker_summary": "о проекте экспертного чек-листа из пяти разделов: цели и результаты программы, содержание и "
        "учебный план, практическая подготовка, материально-техническое обеспечение, кадровое обеспечение.",
        "discussion": "Иванова М.С. – предложила оценивать практическую подготовку по шкале от 0 до 2 баллов.\n"
        "Петренко О.И. – о включении в чек-лист критерия участия работодателей в государственной итоговой "
        "аттестации.",
        "votes": ("6", "0", "0"),
    },
    {
        "text": "О порядке проведения экспертных сессий с участием работодателей.",
        "speaker_name": "Соколов А.В.",
        "speaker_summary": "о порядке проведения экспертных сессий: состав экспертов, сроки, оформление результатов.",
        "discussion": "",
        "votes": "единогласно",
    },
]
DECISIONS = [
    (
        1,
        "Одобрить структуру экспертного чек-листа с учётом высказанных предложений.",
        [("Поярк", "Пояркова О.Н.")],
        "2021-11-24",
        "",
    ),
    (
        1,
        "Подготовить методические рекомендации для экспертов по заполнению чек-листа.",
        [("Иванова", "Иванова М.С."), ("Мельникова", "Мельникова-Гросс Ю.А.")],
        "2021-12-01",
        "",
    ),
    (
        2,
        "Проводить экспертные сессии не реже одного раза в квартал с участием не менее трёх экспертов от работодателей.",
        [("Соколов", "Соколов А.В.")],
        "",
        "постоянно",
    ),
    (
        2,
        "Информировать участников кластера о датах экспертных сессий через медиаплан кластера.",
        [("Кузнецова", "Кузнецова Н.В.")],
        "2021-12-15",
        "",
    ),
]


# Not yet in the directory: created from the attendee picker's «+ Новый сотрудник».
NEWCOMERS = {
    "Мельникова-Гросс Ю.А.": {
        "surname": "Мельникова-Гросс",
        "first_name": "Юлия",
        "patronymic": "Андреевна",
        "position": "методист",
        "new_organization": "ОГБУ «Региональный центр развития профессионального образования»",
    }
}


def _create_in_place(page, area: str, fields: dict[str, str]) -> None:
    """The person typed in the picker is not found: create them in the dialog, then they are picked."""
    page.click(f"{area} [data-suggestions] [data-new-person]")
    dialog = page.locator("#person-dialog")
    for name, value in fields.items():
        dialog.locator(f"#new-person-{name}").fill(value)
    dialog.locator("button:has-text('Добавить и выбрать')").click()
    expect(dialog).to_be_hidden()


def test_the_second_protocol_entered_through_the_pages(live, page, tmp_path: Path):
    base, _, meeting_id = live
    submissions = []
    page.on("request", lambda request: submissions.append(request.url) if request.method == "POST" else None)
    url = f"{base}/meetings/{meeting_id}"

    # The meeting's details: time, place, format, chair, secretary.
    page.goto(url + "/edit")
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "16:00")
    page.fill("#place", "ОГБПОУ «Томский индустриальный техникум», ауд. 210")
    page.select_option("#format", label="Смешанный")
    page.select_option("#chair_id", label="Пояркова О.Н.")
    page.select_option("#secretary_id", label="Кузнецова Н.В.")
    page.select_option("#status", label="Проведено")
    page.click("button:has-text('Сохранить')")
    page.wait_for_url(url)
    page.evaluate("window.__noReload = true")  # from here on, everything happens in place

    # Those present: typed into the person picker, one by one.
    for mode, people in (("Очно", IN_PERSON), ("Онлайн", ONLINE), ("Приглашённый", INVITED)):
        for typed, label in people:
            page.fill("#picker-attendee", typed)
            if label in NEWCOMERS:
                _create_in_place(page, "#attendees", NEWCOMERS[label])
            else:
                page.click(f"#attendees [data-pick-label='{label}']")
            page.select_option("#attendees select[name=mode]", label=mode)
            page.click("#attendees button:has-text('Добавить')")
            page.wait_for_selector(f"#attendees li:has-text('{label}')")
    # The directory's genitive of the department: the protocol's «консультант Департамента …».
    expect(page.locator("#attendees li:has-text('Королева О.М.')")).to_contain_text(
        "консультант Департамента промышленности"
    )

    # The agenda: each item with its speaker, СЛУШАЛИ, ВЫСТУПИЛИ and the vote.
    for item in AGENDA:
        if not page.is_visible("#agenda textarea[name=text]"):
            page.click("#agenda summary:has-text('Добавить вопрос')")
        page.fill("#agenda textarea[name=text]", item["text"])
        page.fill("#agenda input[name=speaker_name]", item["speaker_name"])
        page.fill("#agenda textarea[name=speaker_summary]", item["speaker_summary"])
        page.fill("#agenda textarea[name=discussion]", item["discussion"])
        if item["votes"] == "единогласно":
            page.check("#agenda input[name=votes_unanimous]")
        else:
            for name, value in zip(("votes_for", "votes_against", "votes_abstained"), item["votes"]):
                page.fill(f"#agenda input[name={name}]", value)
        page.click("#agenda button:has-text('Добавить вопрос')")
        page.wait_for_selector(f"#agenda li:has-text('{item['text']}')")
    # ВЫСТУПИЛИ: each speaker on a line of their own, as in the protocol.
    expect(page.locator(f"#agenda li:has-text('{AGENDA[0]['text']}') ul > li")).to_have_text(
        AGENDA[0]["discussion"].split("\n")
    )

    # The decisions, each on its item.
    for item, text, people, deadline, term in DECISIONS:
        if not page.is_visible("#decisions textarea[name=text]"):
            page.click("#decisions summary:has-text('Добавить решение')")
        page.fill("#decisions textarea[name=text]", text)
        page.select_option("#decisions select[name=agenda_item_id]", index=item)
        for typed, label in people:
            page.fill("#picker-decision-new", typed)
            page.click(f"#decisions [data-pick-label='{label}']")
        page.fill("#decisions input[name=deadline]", deadline)
        page.fill("#decisions input[name=term]", term)
        page.click("#decisions button:has-text('Добавить решение')")
        page.wait_for_selector(f"#decisions li:has-text('{text}')")
    second = page.locator("#decisions li[id^=decision-row]").nth(1)
    expect(second).to_contain_text("1.2.")
    expect(second).to_contain_text(
        "Ответственные исполнители – Иванова М.С., Мельникова-Гросс Ю.А., срок до 01.12.2021"
    )

    assert page.evaluate("window.__noReload === true")

    # The full form, downloaded and read through LibreOffice.
    with page.expect_download() as download:
        page.click("#protocol-full")
    document = download.value.path()
    from cluster_intranet.documents.pdf import convert_to_text

    typed = 1 + len(NEWCOMERS) + len(IN_PERSON + ONLINE + INVITED) + len(AGENDA) + len(DECISIONS)
    print(f"\nform submissions: {len(submissions)} (things typed: {typed})")
    assert_same_lines(normalized_lines(convert_to_text(Path(document).read_bytes())), expected_lines())
    assert len(submissions) == typed
