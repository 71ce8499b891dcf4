"""Pages of a firm's stores (M餐): its meal home with today's counts, registering and editing a store, its
permits, quota agreements, paused days, a base's stock and the walk-in poster; and the platform admins'
checks of permits and stores. Firms see counts only, never who took a meal."""
from __future__ import annotations

import io

from flask import abort, g, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.routing import BuildError

from marketplace.auth.forms import EmptyForm
from marketplace.firms.service import firms_of
from marketplace.meals import permits, quotas, stores
from marketplace.meals.access import get_store, is_platform_staff, may_run
from marketplace.meals.labels import PERMIT_KINDS, STORE_KINDS
from marketplace.meals.models import MealPermit, MealStore, StoreKind
from marketplace.meals.store_forms import (
    PauseForm,
    PermitForm,
    QuantityForm,
    QuotaForm,
    ReasonForm,
    StockForm,
    StoreEditForm,
    StoreForm,
)
from marketplace.meals.views import bp
from marketplace.orgs.forms import district_choices
from marketplace.orgs.policy import require
from marketplace.platform.ids import as_id
from marketplace.platform.links import site_address, site_url
from marketplace.web import uploads
from marketplace.web.forms import save_or_show, submit_and_return
from marketplace.web.names import org_name
from marketplace.web.qr import qr_svg

SHOWN = 500  # stores the checks page lists: waiting and paused ones come before open ones
WORDS = {"kind": STORE_KINDS, "permit": PERMIT_KINDS, "store_state": MealStore.machine.label,
         "permit_state": MealPermit.machine.label}


def _id(value):
    found = as_id(value)
    return found if found is not None else value


@bp.route("/stores")
@login_required
def my_stores():
    """The firm's meal home: the stores and bases of the user's firms, their state and today's counts."""
    firms = firms_of(g.user)
    if not firms:
        abort(403)
    rows = [(firm, may_run(g.user, firm), [(s, stores.counts_today(s)) for s in stores.stores_of_firm(firm)])
            for firm in firms]
    return render_template("meals/store_home.html", rows=rows, words=WORDS, org_name=org_name,
                           runs_any=any(runs for _firm, runs, _stores in rows))


def _firms_run(user) -> list:
    """The firms whose stores the user runs (staff or more)."""
    return [firm for firm in firms_of(user) if may_run(user, firm)]


@bp.route("/stores/new", methods=["GET", "POST"])
@login_required
def store_new():
    """Register a store or base of a firm the user runs."""
    firms = _firms_run(g.user)
    if not firms:
        abort(403)
    form = StoreForm()
    form.firm_id.choices = [(str(f.id), org_name(f)) for f in firms]
    form.district_id.choices = district_choices()
    return save_or_show(form, lambda: stores.register_store(
        g.user, _id(form.firm_id.data), kind=form.kind.data, name=form.name.data, address=form.address.data,
        district_id=_id(form.district_id.data), windows=form.windows.data),
        _("The store is registered. Upload its business licence and food business permit so it can open."),
        lambda store: url_for("meals.store", meal_store_id=store.id), "meals/store_form.html", store=None)


@bp.route("/stores/<int:meal_store_id>/manage")
@login_required
def store(meal_store_id):
    """A store's page: state, windows, today's counts, permits, agreements, paused days and stock."""
    found = get_store(g.user, meal_store_id)
    return render_template(
        "meals/store_page.html", store=found, today=stores.counts_today(found), windows=stores.format_windows(found),
        permits=permits.permits_of(found), ready=permits.permits_ready(found), quotas=quotas.quotas_of(found),
        pauses=quotas.pauses_of(found), stock=stores.stock_of(found) if found.kind == StoreKind.BASE else [],
        words=WORDS, reason_form=ReasonForm(formdata=None), button=EmptyForm(), quantity_form=QuantityForm(),
        org_name=org_name, is_checker=is_platform_staff(g.user))


@bp.route("/stores/<int:meal_store_id>/edit", methods=["GET", "POST"])
@login_required
def store_edit(meal_store_id):
    """Change a store's name, address and serving times."""
    found = get_store(g.user, meal_store_id)
    form = StoreEditForm(obj=found) if request.method == "GET" else StoreEditForm()
    if request.method == "GET":
        form.windows.data = stores.format_windows(found)
    return save_or_show(form, lambda: stores.edit_store(
        g.user, found.id, name=form.name.data, address=form.address.data, windows=form.windows.data),
        _("Saved."), url_for("meals.store", meal_store_id=found.id), "meals/store_form.html", store=found)


def _back(store_id) -> str:
    return url_for("meals.store", meal_store_id=store_id)


@bp.post("/stores/<int:meal_store_id>/pause")
@login_required
def store_pause(meal_store_id):
    """Pause an open store, saying why."""
    found = get_store(g.user, meal_store_id)
    return submit_and_return(ReasonForm(), lambda f: stores.pause_store(g.user, found.id, f.reason.data),
                             _back(found.id), _("The store is paused."))


@bp.post("/stores/<int:meal_store_id>/reopen")
@login_required
def store_reopen(meal_store_id):
    """Open a paused store again (its permits checked and in date)."""
    found = get_store(g.user, meal_store_id)
    return submit_and_return(EmptyForm(), lambda f: stores.reopen_store(g.user, found.id), _back(found.id),
                             _("The store is open again."))


@bp.post("/stores/<int:meal_store_id>/close")
@login_required
def store_close(meal_store_id):
    """Close a store for good, saying why."""
    found = get_store(g.user, meal_store_id)
    return submit_and_return(ReasonForm(), lambda f: stores.close_store(g.user, found.id, f.reason.data),
                             _back(found.id), _("The store is closed."))


@bp.route("/stores/<int:meal_store_id>/permits/new", methods=["GET", "POST"])
@login_required
def permit_new(meal_store_id):
    """Upload a store's business licence or food business permit."""
    found = get_store(g.user, meal_store_id)
    form = PermitForm()
    return save_or_show(form, lambda: permits.upload_permit(
        g.user, found.id, kind=form.kind.data, number=form.number.data, expires_on=form.expires_on.data,
        upload=request.files.get("upload")), _("Uploaded. The platform checks it soon."), _back(found.id),
        "meals/store_permit_form.html", store=found)


@bp.route("/permits/<int:meal_permit_id>/file")
@login_required
def permit_file(meal_permit_id):
    """Download a permit's file (its firm's staff and platform admins)."""
    found = permits.permit_file(g.user, meal_permit_id)
    try:
        data = uploads.path_of(found.attachment_path).read_bytes()
    except OSError:
        abort(404)
    suffix = uploads.EXTENSIONS.get(found.attachment_type, "")
    return send_file(io.BytesIO(data), mimetype=found.attachment_type, as_attachment=True,
                     download_name=f"permit-{found.id}{suffix}")


@bp.route("/stores/<int:meal_store_id>/quotas/new", methods=["GET", "POST"])
@login_required
def quota_new(meal_store_id):
    """Agree how many meals a restaurant gives each day, between two dates."""
    found = get_store(g.user, meal_store_id)
    form = QuotaForm()
    return save_or_show(form, lambda: quotas.add_quota(
        g.user, found.id, meals_per_day=form.meals_per_day.data, contents=form.contents.data,
        value_fen=form.value.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data),
        _("The agreement is saved."), _back(found.id), "meals/store_quota_form.html", store=found)


@bp.post("/quotas/<int:meal_quota_id>/end")
@login_required
def quota_end(meal_quota_id):
    """End an agreement early (days already promised keep their meals)."""
    found = quotas.quota_store(g.user, meal_quota_id)
    return submit_and_return(EmptyForm(), lambda f: quotas.end_quota(g.user, meal_quota_id), _back(found.id),
                             _("The agreement is ended."))


@bp.route("/stores/<int:meal_store_id>/pauses/new", methods=["GET", "POST"])
@login_required
def pause_new(meal_store_id):
    """Choose a day ahead when the restaurant gives no meals."""
    found = get_store(g.user, meal_store_id)
    form = PauseForm()
    return save_or_show(form, lambda: quotas.pause_day(g.user, found.id, day=form.day.data,
                                                       reason=form.reason.data or ""),
                        _("No meals will be offered that day."), _back(found.id), "meals/store_pause_form.html",
                        store=found)


@bp.post("/pauses/<int:meal_pause_id>/delete")
@login_required
def pause_delete(meal_pause_id):
    """Give meals again on a paused day."""
    found = quotas.paused_store(g.user, meal_pause_id)
    return submit_and_return(EmptyForm(), lambda f: quotas.unpause_day(g.user, meal_pause_id), _back(found.id),
                             _("Meals are offered that day again."))


@bp.route("/stores/<int:meal_base_id>/stock/new", methods=["GET", "POST"])
@login_required
def stock_new(meal_base_id):
    """Add something a base hands out as a blind box."""
    found = get_store(g.user, meal_base_id)
    form = StockForm()
    return save_or_show(form, lambda: stores.add_stock_item(
        g.user, found.id, name=form.name.data, quantity=form.quantity.data, value_fen=form.value.data or 0),
        _("Saved."), _back(found.id), "meals/store_stock_form.html", store=found)


@bp.post("/stock/<int:meal_stock_item_id>/quantity")
@login_required
def stock_quantity(meal_stock_item_id):
    """Set how many of a stock item are left."""
    found = stores.stock_store(g.user, meal_stock_item_id)
    return submit_and_return(QuantityForm(), lambda f: stores.set_stock_quantity(
        g.user, meal_stock_item_id, f.quantity.data), _back(found.id))


@bp.post("/stock/<int:meal_stock_item_id>/stop")
@login_required
def stock_stop(meal_stock_item_id):
    """Stop handing out a stock item."""
    found = stores.stock_store(g.user, meal_stock_item_id)
    return submit_and_return(EmptyForm(), lambda f: stores.deactivate_stock_item(g.user, meal_stock_item_id),
                             _back(found.id), _("It is no longer handed out."))


def walk_in_url(store: MealStore) -> str:
    """Return the absolute address the store's walk-in poster encodes."""
    try:
        return site_url("meals.walk_in", poster_token=store.poster_token)
    except BuildError:  # the walk-in page is another part's; its address is fixed
        return site_address(f"{bp.url_prefix}/walk-in/{store.poster_token}")


@bp.route("/stores/<int:meal_store_id>/poster")
@login_required
def poster(meal_store_id):
    """The store's printable walk-in poster: its name and a large QR code of the walk-in page."""
    found = get_store(g.user, meal_store_id)
    url = walk_in_url(found)
    svg = qr_svg(url)  # as wide as the poster allows (its CSS)
    return render_template("meals/store_poster.html", store=found, url=url, svg=svg,
                           windows=stores.format_windows(found), org_name=org_name)


# --- the platform admins' checks -----------------------------------------------------------------------

@bp.route("/review")
@login_required
def review():
    """Platform admins: permits waiting for checks, stores waiting or paused, and every store."""
    every = stores.stores_to_review(g.user, SHOWN)
    return render_template("meals/store_review.html", waiting=permits.waiting_permits(g.user), stores=every,
                           words=WORDS, org_name=org_name)


@bp.route("/review/permits/<int:meal_permit_id>")
@login_required
def permit_review(meal_permit_id):
    """Platform admins: one permit with its file, to verify or refuse."""
    require(g.user, "admin.access")
    found = permits.permit_file(g.user, meal_permit_id)
    return render_template("meals/store_permit_review.html", permit=found, words=WORDS, org_name=org_name,
                           reason_form=ReasonForm(formdata=None), button=EmptyForm())


@bp.post("/review/permits/<int:meal_permit_id>/verify")
@login_required
def permit_verify(meal_permit_id):
    """Platform admins: accept a permit (its store opens when both permits are in date)."""
    require(g.user, "admin.access")
    return submit_and_return(EmptyForm(), lambda f: permits.verify_permit(g.user, meal_permit_id),
                             url_for("meals.review"), _("The permit is verified."))


@bp.post("/review/permits/<int:meal_permit_id>/reject")
@login_required
def permit_reject(meal_permit_id):
    """Platform admins: refuse a permit, saying why."""
    require(g.user, "admin.access")
    return submit_and_return(ReasonForm(), lambda f: permits.reject_permit(g.user, meal_permit_id, f.reason.data),
                             url_for("meals.review"), _("The permit is refused; the firm is told why."))
