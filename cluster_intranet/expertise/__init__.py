"""Expert checklists: employers evaluate and approve the vocational programmes."""

from flask import Blueprint

bp = Blueprint("expertise", __name__, url_prefix="/expertise")
