"""Points pages: the rewards on offer, a firm's points (exchanges, thank-you notes, plaques), a partner's
rewards and the exchanges it delivers, and the public check of a plaque."""
from __future__ import annotations

import io

from flask import flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from marketplace.auth.forms import EmptyForm
from marketplace.meals import plaque as plaques
from marketplace.meals import points, rewards
from marketplace.meals.access import counters_of, firms_run_by, may_run
from marketplace.meals.models import MealExchange
from marketplace.meals.points_forms import ExchangeForm, PlaqueForm, RewardForm
from marketplace.meals.views import bp
from marketplace.platform.timeutil import local_today
from marketplace.web.forms import save_or_show, submit_and_return
from marketplace.web.pdf import grouped


@bp.route("/rewards")
def rewards_catalogue():
    """The ingredients partners give firms for meal points; for staff, links to their own pages."""
    return render_template("meals/points_catalogue.html", rewards=rewards.rewards(), orgs=firms_run_by(g.user),
                           counters=counters_of(g.user))


@bp.route("/firms/<int:points_firm_id>/points")
@login_required
def points_page(points_firm_id):
    """A firm's meal points: earned, spent, available; its exchanges, thank-you notes and plaques."""
    firm = rewards.get_org(g.user, points_firm_id)
    form = ExchangeForm()
    form.reward_id.choices = [(str(r.id), f"{r.name} · " + _("%(points)d points", points=r.points))
                              for r in rewards.rewards() if r.stock > 0]
    plaque_form = PlaqueForm()
    this_year = local_today().year
    plaque_form.year.choices = [(str(y), str(y)) for y in range(this_year, this_year - 5, -1)]
    return render_template(
        "meals/points_firm.html", firm=firm, points=points.points_of(firm), meals=points.meals_of(firm),
        exchanges=rewards.exchanges_of_firm(firm), thanks=rewards.thanks_of(firm), stores=rewards.stores_of(firm),
        plaques=plaques.plaques_of(firm), form=form, plaque_form=plaque_form, button=EmptyForm(),
        state=MealExchange.machine.label, grouped=grouped)


@bp.post("/firms/<int:points_firm_id>/exchanges")
@login_required
def exchange_new(points_firm_id):
    """Spend the firm's points on a reward."""
    firm = rewards.get_org(g.user, points_firm_id)
    form = ExchangeForm()
    return submit_and_return(
        form, lambda f: rewards.exchange(g.user, firm.id, f.reward_id.data, f.quantity.data),
        url_for("meals.points_page", points_firm_id=firm.id),
        _("Exchange asked for: the partner will deliver it."))


@bp.post("/exchanges/<int:meal_exchange_id>/deliver")
@login_required
def exchange_deliver(meal_exchange_id):
    """Mark an exchange handed over (the partner's staff)."""
    row = rewards.get_exchange(g.user, meal_exchange_id, partner_only=True)
    return submit_and_return(EmptyForm(), lambda f: rewards.deliver(g.user, row.id),
                             url_for("meals.partner_rewards", partner_org_id=row.reward.organisation_id),
                             _("Marked as delivered."))


@bp.post("/exchanges/<int:meal_exchange_id>/cancel")
@login_required
def exchange_cancel(meal_exchange_id):
    """Cancel an exchange not yet delivered: the points and the stock go back."""
    row = rewards.get_exchange(g.user, meal_exchange_id)
    back = (url_for("meals.points_page", points_firm_id=row.organisation_id) if may_run(g.user, row.organisation)
            else url_for("meals.partner_rewards", partner_org_id=row.reward.organisation_id))
    return submit_and_return(EmptyForm(), lambda f: rewards.cancel(g.user, row.id), back,
                             _("Cancelled: the points are given back."))


@bp.route("/partners/<int:partner_org_id>/rewards", methods=["GET", "POST"])
@login_required
def partner_rewards(partner_org_id):
    """An organisation's rewards for meal points (add one), and the exchanges it has to deliver."""
    org = rewards.get_org(g.user, partner_org_id)
    form = RewardForm()
    return save_or_show(
        form, lambda: rewards.offer_reward(g.user, org.id, form.name.data, form.description.data, form.points.data,
                                           form.stock.data),
        _("The reward is on offer."), url_for("meals.partner_rewards", partner_org_id=org.id),
        "meals/points_partner.html", org=org, rewards=rewards.rewards(org.id),
        exchanges=rewards.exchanges_for_partner(org), button=EmptyForm(), state=MealExchange.machine.label)


@bp.post("/firms/<int:points_firm_id>/plaques")
@login_required
def plaque_new(points_firm_id):
    """Ask for the firm's caring-firm plaque for a year it served meals in."""
    firm = rewards.get_org(g.user, points_firm_id)
    form = PlaqueForm()
    year = (form.year.data or "").strip()
    return submit_and_return(
        form, lambda f: plaques.issue_plaque(g.user, firm.id, int(year) if year.isdigit() and len(year) <= 4
                                             else year),
        url_for("meals.points_page", points_firm_id=firm.id),
        _("Your plaque is being prepared: it can be downloaded below in a moment."))


@bp.route("/plaques/<int:meal_plaque_id>/pdf")
@login_required
def plaque_pdf(meal_plaque_id):
    """Download the firm's plaque as a PDF (once drawn)."""
    plaque = plaques.get_plaque(g.user, meal_plaque_id)
    path = plaques.pdf_file(plaque)
    if path is None:
        flash(_("The plaque is still being prepared. Try again in a minute."), "info")
        return redirect(url_for("meals.points_page", points_firm_id=plaque.organisation_id))
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="application/pdf", as_attachment=True,
                         download_name=f"goodhours-plaque-{plaque.year}-{plaque.code}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/plaques/<plaque_code>")
def plaque_verify(plaque_code):
    """Show whether a caring-firm plaque is genuine: the firm, the year, its meals and their value."""
    found = plaques.verify(plaque_code)
    if found is None:
        return render_template("meals/points_verify.html", plaque=None), 404
    plaque, intact = found
    return render_template("meals/points_verify.html", plaque=plaque, intact=intact, code=grouped(plaque.code))
