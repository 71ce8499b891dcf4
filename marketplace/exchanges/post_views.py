"""Pages of offers and requests, phone first: search, a post, posting (for oneself, or a coordinator for a
member), editing, withdrawing, taking down; joining an exchange, a member's profile and its edit page."""
from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from config import settings
from marketplace.auth.forms import EmptyForm
from marketplace.auth.service import public_name
from marketplace.exchanges import matching, members, posts, profiles
from marketplace.exchanges.access import acting_for, coordinated_orgs, is_coordinator, member_record, memberships
from marketplace.exchanges.labels import CATEGORIES, PLACES, POST_KINDS
from marketplace.exchanges.models import ExchangePost, PostKind
from marketplace.exchanges.post_forms import DigestForm, EditPostForm, JoinForm, NewPostForm, ProfileForm, ReasonForm
from marketplace.exchanges.views import bp
from marketplace.orgs.forms import district_choices
from marketplace.orgs.models import Organisation
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.web import uploads
from marketplace.web.forms import save_or_show, submit_and_return

WORDS = {"categories": CATEGORIES, "places": PLACES, "kinds": POST_KINDS}


def _context(**extra) -> dict:
    return {**WORDS, "state_label": ExchangePost.machine.label, "public_name": public_name,
            "adult_age": settings.EXCHANGE_ADULT_AGE, **extra}


def _org_choices(orgs: list[Organisation]) -> list[tuple[str, str]]:
    from marketplace.web.names import org_name
    return [(str(o.id), org_name(o)) for o in orgs]


@bp.get("/")
@login_required
def search():
    """Find open offers and requests of the exchanges you belong to, with simple filters."""
    args = request.args
    found, next_after = posts.search(g.user, args.get("org"), args.get("kind", ""), args.get("category", ""),
                                     args.get("district"), args.get("q", ""), args.get("after"))
    orgs = [db.session.get(Organisation, i) for i in posts.viewable_orgs(g.user)]
    kept = {k: v for k, v in args.items() if k != "after" and v}
    more_url = url_for("exchanges.search", **kept, after=next_after) if next_after else None
    return render_template("exchanges/posts/search.html", **_context(
        posts=found, args=args, more_url=more_url, orgs=_org_choices(orgs), districts=district_choices(),
        joined=memberships(g.user), joinable=members.joinable(g.user),
        coordinates=any(is_coordinator(g.user, o) for o in orgs), board=bool(coordinated_orgs(g.user))))


@bp.get("/posts/<post_code>")
@login_required
def post(post_code):
    """Show an offer or request: what, where, when, how long, and who (by the name they chose to show)."""
    found = posts.visible(g.user, post_code)
    own = found.member.user_id == g.user.id
    return render_template("exchanges/posts/post.html", **_context(
        post=found, own=own, coordinator=is_coordinator(g.user, found.organisation_id),
        viewer_member=member_record(g.user, found.organisation_id), button=EmptyForm(), reason=ReasonForm()))


@bp.get("/posts/<post_code>/photo")
@login_required
def post_photo(post_code):
    """Send a post's photo (a re-encoded copy without metadata)."""
    stored = posts.visible(g.user, post_code).photo_path
    if not stored:
        abort(404)
    try:
        data = uploads.path_of(stored).read_bytes()
    except OSError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="image/jpeg")


CHOOSE_EXCHANGE = _l("Choose the exchange from the list.")


def _create(form: NewPostForm, by, member):
    return posts.create(by, member, form.kind.data, form.title.data, form.body.data, form.category.data,
                        form.district_id.data, form.place.data, form.when_text.data, form.minutes.data,
                        form.active_until.data, request.files.get("photo"))


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def post_new():
    """Post an offer or a request; a member who has not joined an exchange is asked to join first."""
    joined = memberships(g.user)
    if not joined:
        flash(_("First join your organisation's exchange: it takes a minute."), "info")
        return redirect(url_for("exchanges.join", next=request.full_path.rstrip("?")))
    form = NewPostForm()
    if request.method == "GET":
        asked = request.args.get("kind")
        form.kind.data = asked if asked in {k.value for k in PostKind} else "offer"
        form.district_id.data = str(joined[0].district_id or "")
    form.organisation_id.choices = _org_choices([m.organisation for m in joined])
    by_org = {str(m.organisation_id): m for m in joined}

    def create():
        member = by_org.get(form.organisation_id.data or str(joined[0].organisation_id))
        if member is None:
            raise InvalidInput(fields={"organisation_id": [CHOOSE_EXCHANGE]})
        return _create(form, g.user, member)

    return save_or_show(form, create, _("Posted. Neighbours can find it now."),
                        lambda p: url_for("exchanges.post", post_code=p.code), "exchanges/posts/form.html",
                        passes=(NotFound,), **_context(heading=_("New post"), member=None, several=len(joined) > 1))


@bp.get("/coordinate/post")
@login_required
def coordinate_post():
    """Choose a member of an exchange you coordinate (who has no phone) to post for."""
    orgs = [m.organisation for m in g.user.memberships if is_coordinator(g.user, m.organisation)]
    if not orgs:
        abort(403)
    people = [(m, public_name(m.user)) for o in orgs for m in members.members_of(o.id)]
    waiting = [m for o in orgs for m in members.not_joined(o.id)]
    return render_template("exchanges/posts/choose_member.html", people=people, waiting=waiting)


@bp.route("/coordinate/join/<int:membership_id>", methods=["GET", "POST"])
@login_required
def coordinate_join(membership_id):
    """Join a member of an organisation you coordinate to its exchange for them (they have no phone)."""
    membership = members.membership_to_join(g.user, membership_id)
    form = ProfileForm()
    return save_or_show(form, lambda: members.join(g.user, membership.organisation, form.birth_year.data,
                                                   form.district_id.data, form.about.data, user=membership.user),
                        _("%(name)s has joined the exchange.", name=membership.user.display_name),
                        lambda m: url_for("exchanges.member_post", exchange_member_id=m.id),
                        "exchanges/posts/join_for.html", passes=(NotFound,), membership=membership)


@bp.route("/members/<int:exchange_member_id>/post", methods=["GET", "POST"])
@login_required
def member_post(exchange_member_id):
    """Post an offer or request for a member (a coordinator for a member without a phone; or the member)."""
    member = acting_for(g.user, members.member_by_id(exchange_member_id))
    form = NewPostForm()
    if request.method == "GET":
        form.district_id.data = str(member.district_id or "")
    form.organisation_id.choices = _org_choices([member.organisation])
    name = member.user.display_name
    return save_or_show(form, lambda: _create(form, g.user, member), _("Posted for %(name)s.", name=name),
                        lambda p: url_for("exchanges.post", post_code=p.code), "exchanges/posts/form.html",
                        passes=(NotFound,), **_context(heading=_("Post for %(name)s", name=name), member=member,
                                                       several=False))


@bp.route("/posts/<post_code>/edit", methods=["GET", "POST"])
@login_required
def post_edit(post_code):
    """Change an open post (its member, or a coordinator for them)."""
    found = posts.visible(g.user, post_code)
    acting_for(g.user, found.member)
    form = EditPostForm(obj=found) if request.method == "GET" else EditPostForm()
    if request.method == "GET":
        form.district_id.data, form.minutes.data = str(found.district_id), str(found.minutes)

    def edit():
        return posts.edit(g.user, post_code, form.title.data, form.body.data, form.category.data,
                          form.district_id.data, form.place.data, form.when_text.data, form.minutes.data,
                          form.active_until.data, request.files.get("photo"), form.drop_photo.data)

    return save_or_show(form, edit, _("Saved."), url_for("exchanges.post", post_code=post_code),
                        "exchanges/posts/form.html", passes=(NotFound,),
                        **_context(heading=_("Change your post"), post=found, member=found.member, several=False))


@bp.post("/posts/<post_code>/withdraw")
@login_required
def post_withdraw(post_code):
    """Close a post for good (its member, or a coordinator for them)."""
    return submit_and_return(EmptyForm(), lambda _f: posts.withdraw(g.user, post_code),
                             url_for("exchanges.post", post_code=post_code),
                             _("Withdrawn. Neighbours no longer find it."), passes=(NotFound,))


@bp.post("/posts/<post_code>/hide")
@login_required
def post_hide(post_code):
    """Take a post down (a coordinator), telling its member why."""
    return submit_and_return(ReasonForm(), lambda f: posts.hide(g.user, post_code, f.reason.data),
                             url_for("exchanges.post", post_code=post_code),
                             _("Taken down. The member was told why."), passes=(NotFound,))


@bp.post("/posts/<post_code>/unhide")
@login_required
def post_unhide(post_code):
    """Put a post taken down back (a coordinator)."""
    return submit_and_return(ReasonForm(), lambda f: posts.unhide(g.user, post_code, f.reason.data),
                             url_for("exchanges.post", post_code=post_code),
                             _("Put back. Neighbours can find it again."), passes=(NotFound,))


@bp.get("/mine")
@login_required
def mine():
    """List your offers and requests, open ones first."""
    joined = memberships(g.user)
    return render_template("exchanges/posts/mine.html", **_context(
        posts=posts.mine([m.id for m in joined]), joined=joined, joinable=members.joinable(g.user)))


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    """Join your organisation's exchange: your birth year, your district and a few words about you."""
    orgs = members.joinable(g.user)
    form = JoinForm()
    form.organisation_id.choices = _org_choices(orgs)
    then = request.args.get("next", "")
    then = then if then.startswith("/exchange/") and "//" not in then else url_for("exchanges.mine")
    by_id = {str(o.id): o for o in orgs}

    def join_one():
        org = by_id.get(form.organisation_id.data or (str(orgs[0].id) if orgs else ""))
        if org is None:
            raise InvalidInput(fields={"organisation_id": [CHOOSE_EXCHANGE]})
        return members.join(g.user, org, form.birth_year.data, form.district_id.data, form.about.data)

    return save_or_show(form, join_one,
                        _("Welcome to the exchange."), then, "exchanges/posts/join.html", passes=(NotFound,), orgs=orgs)


@bp.get("/members/<int:exchange_member_id>")
@login_required
def profile(exchange_member_id):
    """Show a member's profile: name, district, open offers, hours given and received, endorsements."""
    return render_template("exchanges/profile.html", **_context(
        p=profiles.profile(g.user, exchange_member_id), can_edit=_can_edit(exchange_member_id)))


def _can_edit(member_id: int) -> bool:
    try:
        acting_for(g.user, members.member_by_id(member_id))
    except NotFound:
        return False
    return True


@bp.route("/members/<int:exchange_member_id>/edit", methods=["GET", "POST"])
@login_required
def profile_edit(exchange_member_id):
    """Change a member's profile (the member, or a coordinator for them), and their daily digest."""
    member = acting_for(g.user, members.member_by_id(exchange_member_id))
    form = ProfileForm(prefix="p")
    digest = DigestForm(prefix="d", data={"match_digest": member.match_digest,
                                          "match_categories": [c for c in member.match_categories.split(",") if c]})
    if request.method == "GET":
        form.birth_year.data, form.district_id.data = str(member.birth_year), str(member.district_id or "")
        form.about.data = member.about
    back = url_for("exchanges.profile", exchange_member_id=member.id)
    return save_or_show(form, lambda: members.edit_profile(g.user, member, form.birth_year.data,
                                                           form.district_id.data, form.about.data),
                        _("Saved."), back, "exchanges/profile_edit.html", passes=(NotFound,), member=member,
                        digest=digest)


@bp.post("/members/<int:exchange_member_id>/digest")
@login_required
def profile_digest(exchange_member_id):
    """Opt in or out of the daily digest of matching requests, and choose its kinds of help."""
    member = acting_for(g.user, members.member_by_id(exchange_member_id))
    return submit_and_return(DigestForm(prefix="d"), lambda f: matching.choose(
        g.user, member, f.match_digest.data, f.match_categories.data or []),
        url_for("exchanges.profile_edit", exchange_member_id=member.id), _("Saved."), passes=(NotFound,))
