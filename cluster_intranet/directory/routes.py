"""Directory pages: organizations and people, with live search and inline editing.

Each list answers the whole page, or for HTMX just its results; a row is edited in
place: the edit button swaps the row for a form row, saving swaps it back.
"""

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..auth.access import role_required
from ..auth.roles import EDIT_DIRECTORY
from ..extensions import db
from ..search import search_count_limit
from ..web import after_change, apply_change, fragment, notice, page_or_fragment, paginate, wants_fragment
from ..forms import db_int
from . import bp, services
from .forms import NewPersonForm, OrganizationForm, PersonForm
from .models import Organization, Person

# What differs between the two kinds of entry; the views below are shared.
KINDS = {
    "organizations": dict(
        model=Organization,
        form=OrganizationForm,
        save=services.save_organization,
        added="Организация «{}» добавлена.",
        deleted="Организация «{}» удалена.",
    ),
    "people": dict(
        model=Person,
        form=PersonForm,
        save=services.save_person,
        added="Сотрудник «{}» добавлен.",
        deleted="Сотрудник «{}» удалён.",
    ),
}


def _form(kind: str, obj=None):
    form = KINDS[kind]["form"](obj=obj)
    if isinstance(form, PersonForm):
        form.with_organizations(services.organization_choices())
    return form


@bp.get("/organizations")
def organizations():
    q = request.args.get("q", "")
    page = paginate(services.organizations_query(q), count_limit=search_count_limit(q))
    return page_or_fragment(
        "directory/organizations.html", "directory/_results.html", page=page, q=q, kind="organizations"
    )


@bp.get("/people")
def people():
    q = request.args.get("q", "")
    organization_id = request.args.get("organization", type=db_int)
    page = paginate(*services.people_list(q, organization_id), count_limit=search_count_limit(q))
    page.items = services.people_by_ids(page.items)  # one page of ids from the index, then their rows
    return page_or_fragment("directory/people.html", "directory/_results.html", page=page, q=q, kind="people")


@bp.get("/people/suggest")
def suggest_people():
    """Suggestions for pickers that find a person by part of the name."""
    q = request.args.get("q", "")
    offer_new = bool(request.args.get("new")) and current_user.has_role(*EDIT_DIRECTORY)
    return render_template(
        "directory/_person_suggestions.html", people=services.search_people(q), q=q, offer_new=offer_new
    )


@bp.get("/people/chip")
def person_chip():
    """A person picked by a multiple picker: their chip, as the picker's template writes the
    chips it starts with (static/js/app.js adds it to the picker)."""
    person_id = request.args.get("person", type=db_int)
    if person_id is None:
        abort(400)
    return render_template(
        "directory/_chip.html", name=request.args.get("name", ""), person=db.get_or_404(Person, person_id)
    )


@bp.route("/people/new-in-place", methods=["GET", "POST"])
@role_required(*EDIT_DIRECTORY)
def new_person():
    """«+ Новый сотрудник» of a person picker: the form in the page's dialog; the person
    created is announced (personCreated) to the picker, which picks them."""
    form = NewPersonForm().with_organizations(services.organization_choices()).keyed("new-person")

    def page(status: int = 422):
        return page_or_fragment("directory/new_person.html", "directory/_new_person_form.html", status, form=form)

    def added(person):
        added = f"Сотрудник «{person.short_name}» добавлен в справочник."
        if wants_fragment():
            created = {"personCreated": {"id": person.id, "label": person.short_name}}
            return fragment("_empty.html", trigger={**created, **notice(added)})
        return after_change(url_for("directory.people", q=person.surname), added)

    if request.method == "GET":
        form.surname.data = request.args.get("surname", "").strip()[:100]
        return page(200)
    return apply_change(
        form, lambda: services.add_person_in_place(
            form.data_for(*form.PERSON_FIELDS), form.organization_id.data, form.new_organization_data()
        ), services.DirectoryError, done=added, invalid=page,
    )  # fmt: skip


@bp.route("/<any(organizations, people):kind>/new", methods=["GET", "POST"])
@role_required(*EDIT_DIRECTORY)
def create(kind: str):
    form = _form(kind)
    entry = KINDS[kind]["model"]()

    def added(_):
        added = KINDS[kind]["added"].format(entry.short_name)
        if wants_fragment():  # the form row goes; the list, reloaded, may show the entry on another page
            return fragment("_empty.html", trigger={"directoryChanged": True, **notice(added)})
        return after_change(url_for(f"directory.{kind}"), added)

    if request.method == "GET":
        return _form_response(kind, form, None, 200)
    return apply_change(
        form,
        lambda: KINDS[kind]["save"](entry, form.data_for(*form.FIELDS)),
        services.DirectoryError,
        done=added,
        invalid=lambda: _form_response(kind, form, None),
    )


@bp.route("/<any(organizations, people):kind>/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(*EDIT_DIRECTORY)
def edit(kind: str, entry_id: int):
    entry = db.get_or_404(KINDS[kind]["model"], entry_id)
    form = _form(kind, entry)

    def saved(_):
        if wants_fragment():
            return fragment(f"directory/_{kind}_row.html", entry=entry)
        return after_change(url_for(f"directory.{kind}"), "Изменения сохранены.")

    if request.method == "GET":
        return _form_response(kind, form, entry, 200)
    return apply_change(
        form, lambda: KINDS[kind]["save"](entry, form.data_for(*form.FIELDS), form.version.data), services.DirectoryError,
        done=saved, invalid=lambda: _form_response(kind, form, entry),
    )  # fmt: skip


@bp.get("/<any(organizations, people):kind>/<int:entry_id>/row")
def row(kind: str, entry_id: int):
    """The display row again (the «cancel» of inline editing)."""
    entry = db.get_or_404(KINDS[kind]["model"], entry_id)
    return fragment(f"directory/_{kind}_row.html", entry=entry)


@bp.post("/<any(organizations, people):kind>/<int:entry_id>/delete")
@role_required(*EDIT_DIRECTORY)
def delete(kind: str, entry_id: int):
    entry = db.get_or_404(KINDS[kind]["model"], entry_id)

    def deleted(_):
        deleted = KINDS[kind]["deleted"].format(entry.short_name)
        if wants_fragment():
            return fragment("_empty.html", trigger={"directoryChanged": True, **notice(deleted)})
        return after_change(url_for(f"directory.{kind}"), deleted)

    return apply_change(
        None,
        lambda: services.delete_entry(entry),
        services.DirectoryError,
        done=deleted,
        back=url_for(f"directory.{kind}"),
    )


def _form_response(kind: str, form, entry, status: int = 422):
    context = dict(form=form, entry=entry, kind=kind)
    return page_or_fragment("directory/entry_form.html", "directory/_entry_form_row.html", status, **context)
