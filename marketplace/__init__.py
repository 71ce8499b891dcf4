"""Goodhours: volunteer hours, micro-wishes and public accounts."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by `config`."""
    from config import load
    from marketplace.platform.ids import IdConverter

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = IdConverter
    app.config.update(load(app.instance_path, config, debug=app.debug))  # refuses unsafe settings

    _init_extensions(app)
    _register_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from config import Settings
    from marketplace.api.setup import init_api
    from marketplace.auth import session
    from marketplace.outbox import service as outbox  # noqa: F401  (starts delivery after each commit)
    from marketplace.platform import i18n
    from marketplace.platform.extensions import csrf, db, limiter, mail, migrate
    from marketplace.web import errors as web_errors
    from marketplace.web import http_cache, moved, names, request_guard, security

    if hops := Settings(app.config).PROXY_HOPS:
        # the client's address and the scheme, as the proxies we run saw them; never the host a client names
        # (links are built on SITE_URL, so a forged X-Forwarded-Host has nothing to steer)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    session.init_app(app)  # first, so even a CSRF or input refusal speaks the user's language
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    http_cache.init_app(app)
    request_guard.init_app(app)
    web_errors.init_app(app)
    names.init_app(app)
    init_api(app)
    moved.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from marketplace import cli
    from marketplace.admin.views import bp as admin_bp
    from marketplace.auth.account_views import bp as account_bp
    from marketplace.auth.views import bp as auth_bp
    from marketplace.core.views import bp as core_bp
    from marketplace.exchanges import agreement_views, post_views, talk_views  # noqa: F401,E501  (add routes)
    from marketplace.exchanges import board_views as exchange_board_views  # noqa: F401  (adds routes)
    from marketplace.exchanges.views import bp as exchanges_bp
    from marketplace.firms.views import bp as firms_bp
    from marketplace.funds.views import bp as funds_bp
    from marketplace.meals import counter_views, person_views, points_views, public_views, store_views  # noqa: F401,E501  (add routes)
    from marketplace.meals.views import bp as meals_bp
    from marketplace.mine.views import bp as mine_bp
    from marketplace.notifications.views import bp as notifications_bp
    from marketplace.orgs import member_views  # noqa: F401  (adds routes to the orgs blueprint)
    from marketplace.orgs.views import bp as orgs_bp
    from marketplace.payments import attention_views, donor_views, offline_views  # noqa: F401  (add routes)
    from marketplace.payments.views import bp as payments_bp
    from marketplace.reconciliation import period_views  # noqa: F401  (adds routes)
    from marketplace.reconciliation.views import bp as reconciliation_bp
    from marketplace.referrals import board_views as referral_board_views  # noqa: F401  (add routes)
    from marketplace.referrals import loop_views, setup_views, visit_views  # noqa: F401  (add routes)
    from marketplace.referrals.views import bp as referrals_bp
    from marketplace.reports.views import bp as reports_bp
    from marketplace.timebank.activities.views import bp as timebank_bp
    from marketplace.timebank.care import views as care_views  # noqa: F401  (add routes)
    from marketplace.timebank.certificates.views import bp as certificates_bp
    from marketplace.timebank.checks import views as check_views  # noqa: F401  (add routes)
    from marketplace.timebank.hours import views as hours_views  # noqa: F401  (add routes)
    from marketplace.timebank.imports import views as import_views  # noqa: F401  (add routes)
    from marketplace.transparency.opendata_views import bp as transparency_data_bp
    from marketplace.transparency.views import bp as transparency_bp
    from marketplace.wishes import board_views, household_views, money_views, staff_views, update_views  # noqa: F401,E501  (add routes)
    from marketplace.wishes.views import bp as wishes_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(orgs_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(timebank_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(wishes_bp)
    app.register_blueprint(funds_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(firms_bp)
    app.register_blueprint(mine_bp)
    app.register_blueprint(transparency_bp)
    app.register_blueprint(transparency_data_bp)
    app.register_blueprint(reconciliation_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(meals_bp)
    app.register_blueprint(exchanges_bp)
    cli.init_app(app)
