"""The personal home ("我的"): what is waiting for the person in each of their roles, with links onward."""
from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_login import login_required

from marketplace.auth.forms import EmptyForm
from marketplace.mine import service
from marketplace.timebank.certificates.pdf import grouped

bp = Blueprint("mine", __name__)


@bp.route("/me")
@login_required
def home():
    """Show the sections of every role the person holds: volunteering, care, giving, and their work."""
    return render_template("mine/home.html", mine=service.home(g.user), button=EmptyForm(),
                           grouped=grouped)
