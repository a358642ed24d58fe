"""Protocol import, in one process: ``python -m bench.importing``.

The target of issue 15, measured side by side on the same data in the same process:
importing a protocol — reading its .docx (python-docx), parsing it and matching its
people, organisations and council against a directory of 20,000 people, without
LibreOffice — takes at most 1.5 times generating that .docx (the app's function:
the meeting loaded, its context built, the template rendered in the sandbox).

The protocol is a draft of the full form with 200 decisions (each with a responsible
person and a deadline), 20 agenda items with speakers, and 100 attendees drawn from
the directory. Times are medians of repeated runs (the two take turns); the exit
status is 1 if the target fails.

    python -m bench.importing                 # fresh SQLite in bench/output/
    python -m bench.importing --database-url postgresql+psycopg://postgres@127.0.0.1/bench_import
"""

from __future__ import annotations

import random
import secrets
import sys
from datetime import date, timedelta

from .documents import median_seconds

MAX_RATIO = 1.5  # import (read, parse, match) / generate the .docx


def add_protocol(decisions: int, attendees: int, rng: random.Random) -> int:
    """A full-form draft of the Coordination Council; returns its id."""
    from sqlalchemy import select

    from cluster_intranet.councils.models import Council
    from cluster_intranet.decisions import builders as decision_builders
    from cluster_intranet.directory.models import Person
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings import builders

    council = db.session.scalar(select(Council).order_by(Council.id))
    council.protocol_form = "full"  # the form is the council's (migration 0027)
    ids = list(db.session.scalars(select(Person.id)))
    people = list(db.session.scalars(select(Person).where(Person.id.in_(rng.sample(ids, attendees)))))
    items = 20
    meeting = builders.meeting(
        council, date(2022, 3, 15), number=77, city="г. Томск", place="пр. Кирова, 41, конференц-зал",
        status="draft", chair=people[0], secretary=people[1],
        attendees=[(p, "in_person" if i % 4 else "online") for i, p in enumerate(people, start=1)],
        agenda=[f"О ходе реализации мероприятия № {i} плана работы кластера" for i in range(1, items + 1)],
    )  # fmt: skip
    for i, item in enumerate(meeting.agenda_items, start=1):
        item.speaker_name, item.speaker_summary = people[i].short_name, "о выполнении мероприятия и его результатах."
    for n in range(1, decisions + 1):
        decision_builders.decision(
            meeting, people[n % attendees], number=n, agenda_item=meeting.agenda_items[(n - 1) * items // decisions],
            text=f"Поручить участникам кластера подготовить предложения по вопросу № {n} "
                 "и направить их в Координационный совет.",
            deadline=date(2022, 4, 1) + timedelta(days=n),
        )  # fmt: skip
    db.session.flush()
    return meeting.id


def run(database_url: str | None, repeat: int, decisions: int, attendees: int, people: int) -> int:
    from . import harness

    return harness.on_own_database(
        database_url, "importing", lambda url: _measure(url, repeat, decisions, attendees, people)
    )


def _measure(url: str, repeat: int, decisions: int, attendees: int, people: int) -> int:
    from flask_migrate import upgrade

    from cluster_intranet import create_app
    from cluster_intranet.demo import seed
    from cluster_intranet.documents import services
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.importing import matcher, names, parser, reader

    from . import harness
    from .data import fill_directory

    rng = random.Random(15)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(32)})
    with app.app_context():
        upgrade()
        seed()
        fill_directory({"organizations": 500, "people": people}, rng)
        meeting_id = add_protocol(decisions, attendees, rng)
        db.session.commit()
        harness.as_after_autovacuum(db.engine)

    with app.test_request_context():

        def generate():
            db.session.remove()  # a fresh session, as in a request
            return services.protocol_document(services.load_for_documents(meeting_id)).content

        data = generate()

        def import_():
            db.session.remove()
            names.parse_name.cache_clear()  # a protocol not seen before: its names parsed anew
            parsed = parser.parse(reader.docx_lines(data))
            return parsed, matcher.match(parsed)

        parsed, found = import_()
        generate_s, import_s = median_seconds(generate, import_, repeat=repeat)
        db.session.remove()
        db.engine.dispose()
    kinds = [m.kind for m in found.people.values()]
    ratio = import_s / generate_s
    lines = [
        f"importing: a full-form protocol of {decisions} decisions and {attendees} attendees against "
        f"{people:,} people, {url.split('://')[0]}, median of {repeat} runs".replace(",", " "),
        f"  read back: {len(parsed.decisions)} decisions, {len(parsed.attendees)} attendees, "
        f"{len(parsed.unrecognised)} lines unrecognised; people matched {kinds.count(matcher.EXACT)} exactly, "
        f"{kinds.count(matcher.INITIALS)} by initials, {kinds.count(matcher.NEW)} new",
        f"    generating the .docx (load, context, sandboxed render): {generate_s * 1000:8.1f} ms",
        f"    importing it (python-docx, parse, match):              {import_s * 1000:8.1f} ms",
        f"  {'PASS' if ratio <= MAX_RATIO else 'FAIL'}  import / generate: {ratio:.2f}x (target <= {MAX_RATIO})",
    ]
    print("\n".join(lines))
    return 0 if ratio <= MAX_RATIO else 1


def main(argv: list[str] | None = None) -> int:
    from . import harness

    parser = harness.measure_parser("python -m bench.importing", __doc__, repeat=9)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--attendees", type=int, default=100)
    parser.add_argument("--people", type=int, default=20_000, help="people in the directory")
    args = parser.parse_args(argv)
    return run(args.database_url, args.repeat, args.decisions, args.attendees, args.people)


if __name__ == "__main__":
    sys.exit(main())
