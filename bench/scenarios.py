"""The registry: what data the benchmark builds and which pages it measures.

See the docstring of ``bench/__init__.py`` for how an area adds its own lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable

from . import calendar, data, decisions, expertise, media, meetings

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Dataset:
    """Rows of some tables, at two sizes: the page time at ``large`` is compared with ``small``."""

    name: str
    fill: Callable  # fill(counts: dict[str, int], rng: random.Random) -> dict | None
    large: dict[str, int]
    small: dict[str, int]


@dataclass(frozen=True)
class Scenario:
    """A page (or a change: ``method="POST"``) to measure and the targets it must meet."""

    name: str
    path: str  # may use values returned by the fillers: "/directory/people?q={surname_part}"
    headers: dict[str, str] = field(default_factory=dict)
    max_queries: int | None = 6  # SQL queries per request, at either size
    min_ratio: float | None = 0.1  # requests per second, as a share of the bare route's
    max_growth: float | None = None  # page time at the large size / at the small size
    method: str = "GET"
    # A POST's form fields, values as in ``path``; the harness adds the signed-in session's
    # CSRF token (field and X-CSRFToken header, as HTMX sends it). Repeated on every request:
    # the change must leave the data as it found it (save the same value again).
    form: dict[str, str] = field(default_factory=dict)


# Filled in this order (later fillers may use earlier rows), for each size.
DATASETS: list[Dataset] = [
    Dataset(
        "directory",
        data.fill_directory,
        large={"organizations": 1000, "people": 20000},
        small={"organizations": 50, "people": 200},
    ),
    Dataset("councils", data.fill_councils, large={"councils": 2, "members": 15}, small={"councils": 2, "members": 15}),
    # The coverage matrix: 500 events (about 320 due) x 30 participants of the 1,000 organizations.
    Dataset(
        "media",
        media.fill_media,
        large={"media_events": 500, "media_participants": 30},
        small={"media_events": 50, "media_participants": 30},
    ),
    # A cluster of some 15 colleges: a few hundred programmes over the years, a session each.
    Dataset(
        "expertise",
        expertise.fill_expertise,
        large={"programmes": 600, "sessions": 600},
        small={"programmes": 20, "sessions": 10},
    ),
    # Control of decisions: 100,000 decisions of 10,000 meetings, 1–3 responsible each.
    Dataset(
        "decisions",
        decisions.fill_decisions,
        large={"meetings": 10000, "decisions": 100000},
        small={"meetings": 100, "decisions": 1000},
    ),
    # Calendar feeds: 5,000 more events inside the feed window (meetings, deadlines, media
    # events) and a user with a feed token. bench/calendar.py has the in-process targets.
    # Protocols: 100,000 attendances and agenda items of the decisions filler's 10,000 meetings.
    Dataset("meetings", meetings.fill_meetings, large={"attendances": 100000}, small={"attendances": 1000}),
    Dataset("calendar", calendar.fill_calendar, large={"feed_events": 5000}, small={"feed_events": 100}),
]

SCENARIOS: list[Scenario] = [
    Scenario("people", "/directory/people", max_growth=1.5),
    # The middle page: 400 of 800 with 20,000 people, 4 of 8 with 200.
    Scenario("people-page-400", "/directory/people?page={middle_page}", max_growth=1.5),
    Scenario("organizations", "/directory/organizations", max_growth=1.5),
    Scenario("people-search", "/directory/people?q={surname_part}", HTMX, max_growth=1.5),
    Scenario("people-suggest", "/directory/people/suggest?q={surname_part}", HTMX, max_growth=1.5),
    Scenario("councils", "/councils/"),
    Scenario("dashboard", "/"),
    Scenario("media-coverage", "/media/plans/{media_plan_id}/coverage", max_queries=8),
    Scenario("media-coverage-page", "/media/plans/{media_plan_id}/coverage?page=2", HTMX, max_queries=8),
    # The plan's table (in-place editing forms on every row): the issue sets no rate for it; its queries are bounded.
    Scenario("media-plan-month", "/media/plans/{media_plan_id}?month={media_month}", max_queries=8, min_ratio=None),
    Scenario("media-feed-atom", "/media/public/events.atom", max_queries=8),
    Scenario("media-feed-json", "/media/public/events.json", max_queries=8),
    Scenario("media-snippet", "/media/public/upcoming.html", max_queries=8),
    # Expertise: a session with 10 experts x 60 criteria (at both sizes), one expert's checklist,
    # the secretary's live progress table, and the lists that grow with the data.
    # The session page shows all 600 answers: its target is the query count (issue 7).
    Scenario("expert-session", "/expertise/sessions/{expert_session_id}", max_queries=8, min_ratio=None),
    Scenario("expert-checklist", "/expertise/assessments/{expert_assessment_id}", max_queries=8),
    # One answer saved in place (HTMX) on the checklist of the expert still filling it in: the same answer each time.
    Scenario(
        "expert-answer-save",
        "/expertise/assessments/{expert_open_assessment_id}/answers/{expert_criterion_id}",
        HTMX,
        max_queries=8,
        method="POST",
        form={"value": "{expert_answer_value}", "comment": ""},
    ),
    Scenario("expert-progress", "/expertise/sessions/{expert_session_id}/progress", HTMX),
    Scenario("expert-sessions", "/expertise/", max_growth=1.5),
    Scenario("programmes", "/expertise/programmes", max_growth=1.5),
    # A search finding the same 4 programmes at either size (the growth of the search itself), and one
    # finding an eighth of them: 3 rows of the 20 small ones, a full page of the large; so the rate only.
    Scenario("programmes-search", "/expertise/programmes?q={rare_specialty_part}", HTMX, max_growth=1.5),
    Scenario("programmes-search-common", "/expertise/programmes?q=машиностр", HTMX),
    # Control of decisions (issue 5): the control list (unfinished, by deadline), every status by
    # meeting, a filter as HTMX sends it, the per-person summary, a person's assignments
    # (a secretary looks at the busiest person's), one decision with its history.
    Scenario("meetings", "/meetings/", max_growth=1.5),
    Scenario("meetings-search", "/meetings/?q=медиаплан", HTMX, max_growth=1.5),
    # The page a secretary lives on (issue 14): a fifth of the bare route's rate.
    Scenario("meeting", "/meetings/{meeting_id}", min_ratio=0.2, max_growth=1.5),
    Scenario("decisions-control", "/decisions/", max_queries=8),
    Scenario("decisions-control-all", "/decisions/?status=all&sort=meeting&page=3", max_queries=8),
    Scenario("decisions-control-person", "/decisions/?status=all&person={busy_person_id}", HTMX, max_queries=8),
    Scenario("decisions-summary", "/decisions/summary", max_queries=8),
    Scenario("decisions-my", "/decisions/my?person={busy_person_id}", max_queries=8),
    Scenario("decision", "/decisions/{decision_id}", max_queries=8),
    # A person's own calendar feed as Outlook fetches it (no session). The full feed with 5,000
    # events against icalendar, and its 304, are measured in one process by bench/calendar.py.
    Scenario("calendar-feed-mine", "/calendar/feed/{calendar_token}/mine.ics", max_queries=8),
]

# The yardstick every page is compared with: the fastest answer the server gives.
BARE = Scenario("bare", "/_bare", max_queries=None, min_ratio=None)
