"""Public pages never show a household's private fields: marker strings are seeded into every
private field (and the photo's file name), then every page an anonymous visitor can reach is crawled."""
from __future__ import annotations

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from marketplace.wishes import claims, pledges, service
from tests.wishes.conftest import PRIVATE

MARKERS = [*PRIVATE.values(), "PRIVATE-FILE-NAME", "PRIVATE-DELIVERY-NOTE-送到"]
SEEDS = ["/", "/wishes/", "/wishes/?kind=wish", "/wishes/?kind=household_need", "/wishes/?q=棉被",
         "/api/v1/listings", "/api/openapi.json", "/orgs/", "/timebank/"]
SKIP = ("/static/", "/auth/logout", "/language")


def _photo(name: str) -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    buffer.seek(0)
    return FileStorage(buffer, filename=name, content_type="image/jpeg")


@pytest.fixture
def seeded(station, create_household, create_listing):
    """Listings in every public status, of every kind, for households carrying the markers."""
    household = create_household(notes="PRIVATE-NOTES-病史")
    open_wish = create_listing(household=household, photo=_photo("PRIVATE-FILE-NAME.jpg"))
    claimed = create_listing(household=household, title="书包")
    claims.claim_wish(claimed.id, station.donor)
    done = create_listing(household=household, title="电饭煲")
    claims.claim_wish(done.id, station.firm_member)
    service.confirm_delivery(station.checker, done.id, "PRIVATE-DELIVERY-NOTE-送到",
                             photo=_photo("PRIVATE-FILE-NAME.png"))
    service.write_thanks(station.checker, done.id, "谢谢你们")
    for step in ("confirmed", "closed"):
        service.transition(station.checker, done.id, step)
    need = create_listing(kind="household_need", household=household)
    pledges.pledge(need.id, station.firm_member, 50_000, organisation_id=station.firm.id)
    chore = create_listing(kind="service_need", household=household, title="春耕帮忙")
    return [open_wish, claimed, done, need, chore]


def _links(body: str, base: str) -> list[str]:
    found = re.findall(r'(?:href|src|action)="([^"#]+)', body)
    found += re.findall(r'"(/(?:wishes|api/v1/listings)/[^"\s]*)"', body)  # paths inside JSON
    return [urljoin(base, link.replace("&amp;", "&")) for link in found]


def test_no_public_page_shows_a_private_field(client, seeded):
    seen, queue, visited_details = set(), deque(SEEDS), set()
    while queue and len(seen) < 400:
        path = queue.popleft()
        parts = urlsplit(path)
        if parts.netloc not in ("", "localhost") or path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, path
        body = response.get_data(as_text=True) if "image" not in response.content_type else ""
        for marker in MARKERS:
            assert marker not in body, f"{marker} on {path}"
        if response.status_code == 200 and ("html" in response.content_type or "json" in response.content_type):
            for link in _links(body, path):
                link = urlsplit(link)._replace(scheme="", netloc="").geturl()
                if link not in seen:
                    queue.append(link)
        if re.fullmatch(r"/wishes/[0-9a-f]{12}", parts.path):
            code = parts.path.rsplit("/", 1)[1]
            visited_details.add(code)
            queue.extend([f"/api/v1/listings/{code}", f"/wishes/{code}/photo"])
    assert {listing.public_code for listing in seeded} <= visited_details, "the crawl missed a listing"


def test_a_public_code_is_never_digits_only(monkeypatch):
    from marketplace.wishes import models

    draws = iter(["041754251282", "0417542512a2"])
    monkeypatch.setattr(models.secrets, "token_hex", lambda n: next(draws))
    assert models.new_public_code() == "0417542512a2"  # the all-digit draw is thrown away
