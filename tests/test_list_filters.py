"""The lists' filter bars: folded behind «Фильтры» on a phone (a <details>), the active filters
shown above the list as chips, each a link to the same list without that one filter."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from cluster_intranet.councils.models import Council
from cluster_intranet.demo import seed
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.media.coverage import participant_choices
from cluster_intranet.media.models import MediaEvent, MediaPlan

CHIP = re.compile(
    r'<a class="filter-chip" href="([^"]+)"[^>]*><span class="visually-hidden">Убрать фильтр </span>([^<]+) <span'
)


def chips(page: str) -> dict[str, dict]:
    """label → the query of its link."""
    return {html.unescape(label): parse_qs(urlsplit(html.unescape(href)).query) for href, label in CHIP.findall(page)}


@pytest.fixture
def demo(app, ctx):
    seed()
    db.session.commit()


def test_each_chip_drops_its_own_filter_and_keeps_the_others(demo, viewer):
    council = db.session.scalar(select(Council).order_by(Council.id))
    url = f"/meetings/?council={council.id}&year=2021&q=Томск&page=2"
    page = viewer.get(url).get_data(as_text=True)
    # Sent unfolded: no browser hides the filters on a wide screen (app.js folds them on a phone).
    assert re.search(r'<details class="filters-fold" open>\s*<summary[^>]*>Фильтры</summary>\s*<form', page)
    found = chips(page)
    assert found == {
        f"Совет: {council.name}": {"year": ["2021"], "q": ["Томск"]},
        "Год: 2021": {"council": [str(council.id)], "q": ["Томск"]},
        "Поиск: «Томск»": {"council": [str(council.id)], "year": ["2021"]},
    }
    # The results HTMX swaps on a change of the filters carry the chips too.
    assert chips(viewer.hx("get", url).get_data(as_text=True)) == found


def test_no_chip_for_an_empty_default_or_unknown_filter(demo, viewer):
    assert chips(viewer.get("/meetings/?q=&status=nonsense&council=999999").get_data(as_text=True)) == {}
    assert 'class="filter-chips"' not in viewer.get("/decisions/").get_data(as_text=True)


def test_the_decisions_status_chip_knows_each_view_default(demo, viewer):
    # The list shows the decisions in execution unless told otherwise; the summary, all of them.
    assert chips(viewer.get("/decisions/?status=all&from=2021-12-01").get_data(as_text=True)) == {
        "Статус: Все статусы": {"from": ["2021-12-01"]},
        "Срок с: 01.12.2021": {"status": ["all"]},
    }
    assert chips(viewer.get("/decisions/summary?status=all").get_data(as_text=True)) == {}
    assert chips(viewer.get("/decisions/summary?status=done").get_data(as_text=True)) == {"Статус: Исполнено": {}}


def test_the_media_plan_names_the_chosen_organizer_in_its_fragment(demo, viewer):
    plan = db.session.scalar(select(MediaPlan).order_by(MediaPlan.id))
    organizer = db.session.scalar(
        select(Organization)
        .join(MediaEvent, MediaEvent.organizer_id == Organization.id)
        .where(MediaEvent.plan_id == plan.id)
        .limit(1)
    )
    url = f"/media/plans/{plan.id}?organizer={organizer.id}&month=2021-12"
    expected = {
        f"Организатор: {organizer.short_name}": {"month": ["2021-12"]},
        "Месяц: декабрь 2021 г.": {"organizer": [str(organizer.id)]},
    }
    assert chips(viewer.get(url).get_data(as_text=True)) == expected
    assert chips(viewer.hx("get", url).get_data(as_text=True)) == expected


@pytest.mark.parametrize("path", ["/directory/people", "/directory/organizations"])
def test_a_directory_search_shows_as_a_chip_in_its_live_results_too(demo, viewer, path):
    expected = {"Поиск: «Томск»": {}}
    assert chips(viewer.get(f"{path}?q=Томск").get_data(as_text=True)) == expected
    assert chips(viewer.hx("get", f"{path}?q=Томск").get_data(as_text=True)) == expected
    assert chips(viewer.get(path).get_data(as_text=True)) == {}


def test_what_to_publish_names_the_chosen_plan_and_participant(demo, secretary, login_as):
    plan = db.session.scalar(select(MediaPlan).order_by(MediaPlan.id))
    (organization_id, name), (other_id, _) = participant_choices()[:2]
    url = f"/media/todo?organization={organization_id}&plan={plan.id}"
    assert chips(secretary.get(url).get_data(as_text=True)) == {
        f"Участник: {name}": {"plan": [str(plan.id)]},
        f"Медиаплан: {plan.title}": {"organization": [str(organization_id)]},
    }
    # A viewer of another participant sees their own organization's list: no choice, no chip for it.
    colleague = db.session.scalar(select(Person.id).where(Person.organization_id == other_id).limit(1))
    page = login_as("viewer", "colleague@cluster.test", colleague).get(url).get_data(as_text=True)
    assert list(chips(page)) == [f"Медиаплан: {plan.title}"]
    assert 'id="todo-organization"' not in page
