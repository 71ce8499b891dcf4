"""People's meal pages, phone first: find a store, confirm a phone, reserve, show the code at the counter,
walk in from a poster, take a blind box, say thank you; statements of need and the checkers' worklist."""
from __future__ import annotations

import functools

from flask import abort, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required

from config import settings
from marketplace.auth.forms import EmptyForm
from marketplace.meals import days, finder, people, phones, reservations
from marketplace.meals.access import is_checker
from marketplace.meals.labels import SITUATIONS
from marketplace.meals.models import MealPerson, MealReservation, StoreKind
from marketplace.meals.person_forms import BoxForm, ConfirmForm, DayForm, NeedForm, PhoneForm, RejectForm, ThanksForm
from marketplace.meals.views import bp
from marketplace.orgs.forms import district_choices
from marketplace.platform.errors import DomainError, NotFound
from marketplace.platform.extensions import db, limiter
from marketplace.platform.timeutil import local_today
from marketplace.web.flash import flash_errors
from marketplace.web.forms import apply_errors, save_or_show, submit_and_return
from marketplace.web.net import client_address
from marketplace.web.qr import qr_svg

PERSON, PERSON_DAY, NEXT = "meals_person", "meals_person_day", "meals_next"


def phone_person() -> MealPerson | None:
    """Return the person whose phone this browser confirmed today (held in the signed session)."""
    person_id = session.get(PERSON)
    if not isinstance(person_id, int) or session.get(PERSON_DAY) != local_today().isoformat():
        return None
    return db.session.get(MealPerson, person_id)


def acting_person() -> MealPerson | None:
    """Return who reserves: the phone tied to the logged-in account, else the phone this browser confirmed today."""
    return people.person_of(g.user) or phone_person()


def reserving_person() -> MealPerson:
    """Return who reserves now; a phone confirmed before logging in is tied to the account first."""
    person = acting_person()
    if g.user is not None and person is not None and person.user_id is None:
        people.tie(person, g.user)
    return person


def _ask_phone(back: str):
    session[NEXT] = back
    flash(_("First confirm your mobile number: it takes a minute."), "info")
    return redirect(url_for("meals.phone"))


def private(view):
    """Keep a person's own page (their code, their meals) out of every cache, signed in or not."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response
    return wrapped


def _act(form, action, back: str):
    """Run a person's action from a button; go to the reservation it returns, or back with the reason."""
    if not form.validate_on_submit():
        flash_errors(form.errors)
        return redirect(back)
    try:
        reservation = action()
    except NotFound:
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        flash_errors(error.fields, error.message)
        return redirect(back)
    return redirect(url_for("meals.reservation", reservation_token=reservation.token))


@bp.get("/")
def home():
    """List the open restaurants and bases, near the chosen district, with the meals left."""
    district = request.args.get("district", "")
    return render_template("meals/person_home.html", offers=finder.offers(district),
                           bases=finder.open_stores(StoreKind.BASE, district), districts=district_choices(),
                           district=str(district), person=acting_person(), checker=is_checker(g.user),
                           hm=finder.window_text)


@bp.get("/stores/<int:meal_store_id>")
def store_meals(meal_store_id):
    """Show a restaurant's meals for today and tomorrow, with a Reserve button for each."""
    store = finder.public_store(meal_store_id, StoreKind.RESTAURANT)
    return render_template("meals/person_store.html", offer=finder.offer_of(store), store=store, form=DayForm(),
                           person=acting_person(), hm=finder.window_text)


@bp.post("/stores/<int:meal_store_id>/reserve")
@limiter.limit("30 per hour")
def reserve(meal_store_id):
    """Reserve a meal at the store for the day chosen (today or tomorrow)."""
    back = url_for("meals.store_meals", meal_store_id=meal_store_id)
    if acting_person() is None:
        return _ask_phone(back)
    form = DayForm()
    return _act(form, lambda: reservations.reserve(reserving_person(), meal_store_id, form.day.data), back)


@bp.route("/phone", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
@private
def phone():
    """Ask for a code by text message to confirm the person's mobile number."""
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            code = phones.ask_code(form.phone.data, client_address())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            return render_template("meals/person_confirm.html", form=ConfirmForm(phone=form.phone.data),
                                   test_code=code if phones.test_mode() else None)
    return render_template("meals/person_phone.html", form=form), 422 if form.errors else 200


@bp.route("/phone/confirm", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@private
def phone_confirm():
    """Check the code; the browser then holds the person until the end of the day."""
    form = ConfirmForm()

    def confirm():
        person = people.confirm(form.phone.data, form.code.data, g.user)
        session[PERSON], session[PERSON_DAY] = person.id, local_today().isoformat()
        session.pop(NEXT, None)  # kept until the code is right: a wrong one shows the form again
        return person

    then = session.get(NEXT)
    if not (isinstance(then, str) and then.startswith("/meals/") and "//" not in then):
        then = url_for("meals.mine")
    return save_or_show(form, confirm, _("Your phone is confirmed. You can reserve meals today."), then,
                        "meals/person_confirm.html", test_code=None)


@bp.get("/r/<reservation_token>")
@private
def reservation(reservation_token):
    """Show a reservation's QR and short code for the counter, and what the person may do with it."""
    found = reservations.by_token(reservation_token)
    svg = qr_svg(found.code)  # sized by the page's CSS
    return render_template("meals/person_reservation.html", r=found, svg=svg, state_label=MealReservation.machine.label,
                           button=EmptyForm(), thanks=ThanksForm(), hm=finder.window_text)


@bp.post("/r/<reservation_token>/cancel")
def reservation_cancel(reservation_token):
    """Free the reserved meal for someone else."""
    back = url_for("meals.reservation", reservation_token=reservation_token)
    return submit_and_return(EmptyForm(), lambda _f: reservations.cancel(reservation_token), back,
                             _("Cancelled. The meal is free for someone else."), passes=(NotFound,))


@bp.post("/r/<reservation_token>/thanks")
@limiter.limit("10 per hour")
def reservation_thanks(reservation_token):
    """Leave an anonymous thank-you for the firm."""
    back = url_for("meals.reservation", reservation_token=reservation_token)
    return submit_and_return(ThanksForm(), lambda f: reservations.thank(reservation_token, f.text.data), back,
                             _("Thank you! The store will read your words, not your name."), passes=(NotFound,))


@bp.route("/walk-in/<poster_token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def walk_in(poster_token):
    """Take one of today's meals on the spot, from the store's poster, while it serves."""
    store = finder.store_by_poster(poster_token)
    back = url_for("meals.walk_in", poster_token=poster_token)
    if request.method == "POST":
        if acting_person() is None:
            return _ask_phone(back)
        return _act(EmptyForm(), lambda: reservations.walk_in(reserving_person(), poster_token), back)
    return render_template("meals/person_walk_in.html", store=store, offer=finder.offer_of(store),
                           button=EmptyForm(), person=acting_person(), hm=finder.window_text)


@bp.get("/bases/<int:meal_base_id>")
def base(meal_base_id):
    """Show a base's blind boxes left today, with a button for each."""
    store = finder.public_store(meal_base_id, StoreKind.BASE)
    return render_template("meals/person_base.html", store=store, items=finder.boxes_at(store), form=BoxForm(),
                           person=acting_person(), hm=finder.window_text,
                           is_over=days.is_over(store))


@bp.post("/bases/<int:meal_base_id>/reserve")
@limiter.limit("30 per hour")
def base_reserve(meal_base_id):
    """Reserve one blind box of the kind chosen."""
    back = url_for("meals.base", meal_base_id=meal_base_id)
    if acting_person() is None:
        return _ask_phone(back)
    form = BoxForm()
    return _act(form, lambda: reservations.reserve_box(reserving_person(), meal_base_id,
                                                       form.stock_item_id.data), back)


@bp.get("/mine")
@private
def mine():
    """Show the person's current meals and how many of the free ones they have had."""
    person = acting_person()
    return render_template("meals/person_mine.html", person=person,
                           items=reservations.current_of(person.id if person else None),
                           state_label=MealReservation.machine.label,
                           statement=people.verified_statement(g.user), free_meals=settings.MEALS_FREE_MEALS)


@bp.route("/need", methods=["GET", "POST"])
@login_required
def need():
    """Send a statement of need (for meals past the free ones) and see how earlier ones went."""
    form = NeedForm()
    return save_or_show(form, lambda: people.submit(g.user, form.situation.data, form.statement.data,
                                                    form.district_id.data),
                        _("Sent. A social worker will check it; you will get a message."), url_for("meals.need"),
                        "meals/person_need.html", statements=people.statements_of(g.user),
                        state_label=people.MealEligibility.machine.label, situations=SITUATIONS)


@bp.get("/checks")
@login_required
def checks():
    """List the statements of need waiting for checks (platform admins, social-work stations' staff)."""
    if not is_checker(g.user):
        abort(403)
    return render_template("meals/person_checks.html", items=people.worklist(g.user), button=EmptyForm(),
                           reject=RejectForm(), situations=SITUATIONS)


@bp.post("/checks/<int:meal_eligibility_id>/verify")
@login_required
def check_verify(meal_eligibility_id):
    """Accept a statement of need."""
    return submit_and_return(EmptyForm(), lambda _f: people.verify(g.user, meal_eligibility_id),
                             url_for("meals.checks"), _("Verified. The person can reserve more meals."),
                             passes=(NotFound,))


@bp.post("/checks/<int:meal_eligibility_id>/reject")
@login_required
def check_reject(meal_eligibility_id):
    """Turn a statement of need down, saying why."""
    return submit_and_return(RejectForm(), lambda f: people.reject(g.user, meal_eligibility_id, f.reason.data),
                             url_for("meals.checks"), _("Turned down; the person is told why."), passes=(NotFound,))
