"""Helpers of the stores' tests: a firm with its staff, a platform checker, permit files and moving the clock."""
from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from werkzeug.datastructures import FileStorage

from marketplace.meals import permits, stores
from marketplace.platform import timeutil
from tests.files import pdf_bytes, png_bytes


def pdf(name: str = "permit.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(pdf_bytes()), filename=name)


def png(name: str = "permit.png") -> FileStorage:
    return FileStorage(io.BytesIO(png_bytes()), filename=name)


def firm_with_staff(create_user, create_org):
    """Return (firm, its admin, a member who only serves, a platform admin)."""
    boss, server, checker = create_user(display_name="老板"), create_user(display_name="店员"), create_user(admin=True)
    firm = create_org("firm", {boss: "admin", server: "member"}, name_zh="福田好味餐饮", name_en="Futian Good Taste")
    return firm, boss, server, checker


def register(firm, boss, *, kind="restaurant", name="好味快餐（福华店）"):
    return stores.register_store(boss, firm.id, kind=kind, name=name, address="深圳市福田区福华三路88号",
                                 district_id=1, windows="11:00-13:30, 17:00-19:30")


def upload(store, boss, kind, expires_on: date, upload_file=None):
    return permits.upload_permit(boss, store.id, kind=kind, number=f"JY-{kind}", expires_on=expires_on,
                                 upload=upload_file or pdf())


def travel(monkeypatch, day: date) -> None:
    """Make the site's today `day` (at noon, local time)."""
    moment = timeutil.from_local(datetime.combine(day, time(12)))
    monkeypatch.setattr(timeutil, "now_utc", lambda: moment)


def days_from_now(n: int) -> date:
    return timeutil.local_today() + timedelta(days=n)
