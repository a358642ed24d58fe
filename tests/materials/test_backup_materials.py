"""``flask backup`` / ``restore`` cover the materials: in the database they are in the
copy; in MATERIALS_DIR their files are copied beside it and put back."""

from __future__ import annotations

import pytest

from cluster_intranet.extensions import db
from cluster_intranet.materials import services
from cluster_intranet.materials.models import Material
from cluster_intranet.meetings.models import Meeting
from tests import factories
from tests.documents.support import make_docx
from tests.prod.conftest import draft_meeting, sqlite_app


@pytest.fixture
def live(tmp_path):
    app = sqlite_app(tmp_path / "live.sqlite")
    yield app
    with app.app_context():
        db.engine.dispose()


def add(app, title: str, data: bytes) -> None:
    with app.app_context():
        meeting = db.session.get(Meeting, 1) or draft_meeting(factories.council(), 1)
        services.add_material(meeting, title=title, agenda_item_id=None, filename=f"{title}.docx", data=data, user=None,
                              max_size=app.config["MATERIALS_MAX_SIZE"], directory=app.config["MATERIALS_DIR"])  # fmt: skip
        db.session.commit()


def read_all(app) -> dict[str, bytes]:
    with app.app_context():
        result = {m.title: services.read_content(m.current, app.config["MATERIALS_DIR"])
                  for m in db.session.query(Material).all()}  # fmt: skip
        db.session.remove()
        return result


def test_materials_in_the_database_are_in_the_copy(live, tmp_path):
    data = make_docx("Смета")
    add(live, "Смета", data)
    runner = live.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")]).exit_code == 0
    add(live, "После копии", make_docx("x"))
    result = runner.invoke(args=["restore", str(tmp_path / "copy.sqlite"), "--yes"])
    assert result.exit_code == 0, result.output
    assert read_all(live) == {"Смета": data}


def test_materials_in_a_directory_are_copied_beside_and_put_back(live, tmp_path):
    live.config["MATERIALS_DIR"] = str(tmp_path / "materials")
    data = make_docx("Положение")
    add(live, "Положение", data)
    runner = live.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    assert result.exit_code == 0, result.output
    assert "Файлы материалов скопированы" in result.output
    files = [p for p in (tmp_path / "copy.sqlite.materials").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in files] == [data]
    # The directory is lost with the machine; the copy brings the files back.
    for path in (tmp_path / "materials").rglob("*"):
        if path.is_file():
            path.unlink()
    result = runner.invoke(args=["restore", str(tmp_path / "copy.sqlite"), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Файлы материалов восстановлены: 1" in result.output
    assert read_all(live) == {"Положение": data}
