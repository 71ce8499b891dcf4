"""The load of `faults.py`: client processes that talk to gunicorn over HTTP only, as people would.

- donors give to funds through the site (log in, CSRF tokens, the TEST MODE checkout, which sends the
  signed event into the webhook code); about 30% press "pay" twice, half of them at the same moment;
- claimers race for the same wishes through the API (three at once), pay the money ones through the
  site (with the same duplicates) and release the in-kind ones so the race can start again;
- reviewers approve and reject the same pending attendance or hour report at the same moment through
  the API (two reviewers, or one reviewer's double click);
- importers upload sheets of hours through the site and confirm them (200 rows, posted in the
  request, and every third one 600 rows, checked and posted by the RQ worker).
Each process returns its counts; nothing here reads the database.
"""
from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from datetime import date, timedelta
from functools import partial

import requests

TIMEOUT = 90
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')
DONATION = re.compile(r"/payments/demo/([A-Za-z0-9_-]+)")
BATCH = re.compile(r"/timebank/imports/(\d+)")
DROPPED = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class Stats:
    """What one process saw: answers per action and status, and a sample of 5xx bodies."""

    def __init__(self) -> None:
        self.answers: Counter = Counter()
        self.samples: list[tuple[str, int, str]] = []
        self.deadlock_bodies = 0
        self.extra: dict = {"reviews": [], "races": [], "imports": []}
        self._lock = threading.Lock()

    def note(self, action: str, response: requests.Response | None) -> requests.Response | None:
        with self._lock:
            if response is None:
                self.answers[(action, "dropped")] += 1
                return None
            self.answers[(action, response.status_code)] += 1
            if response.status_code >= 500:
                body = response.text
                self.deadlock_bodies += "deadlock" in body.lower()
                if len(self.samples) < 20:
                    self.samples.append((action, response.status_code, " ".join(body.split())[:300]))
        return response

    def result(self) -> dict:
        return {"answers": dict(self.answers), "samples": self.samples, "deadlock_bodies": self.deadlock_bodies,
                **self.extra}


class Browser:
    """One person's browser: cookies, CSRF tokens read from the pages it was shown."""

    def __init__(self, base: str, stats: Stats):
        self.base, self.stats = base, stats
        self.http = requests.Session()
        self.token = ""

    def call(self, action: str, method: str, path: str, **kwargs) -> requests.Response | None:
        try:
            response = self.http.request(method, self.base + path, timeout=TIMEOUT, allow_redirects=False,
                                         **kwargs)
        except DROPPED:
            return self.stats.note(action, None)
        if "text/html" in response.headers.get("Content-Type", ""):
            found = CSRF.search(response.text)
            if found and VALUE.search(found.group(0)):
                self.token = VALUE.search(found.group(0)).group(1)
        return self.stats.note(action, response)

    def post(self, action: str, path: str, data: dict, **kwargs):
        return self.call(action, "POST", path, data={"csrf_token": self.token, **data}, **kwargs)

    def login(self, email: str, password: str) -> bool:
        """Log in, trying again when the answer was lost (a worker killed under it)."""
        for _ in range(3):
            self.call("login page", "GET", "/auth/login")
            answer = self.post("log in", "/auth/login", {"email": email, "password": password})
            if answer is not None and answer.status_code == 302:
                return True
        return False

    def twin(self) -> Browser:
        """The same person in a second tab (same cookies), for a second click at the same moment."""
        other = Browser(self.base, self.stats)
        other.http.cookies.update(self.http.cookies)
        other.token = self.token
        return other


def together(*calls) -> list:
    """Run the calls on threads released at the same moment; return their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        barrier.wait()
        results[n] = call()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def pay(browser: Browser, give_path: str, data: dict, rng: random.Random, duplicates: float) -> str:
    """Start a gift on a giving page and pay it in the demo checkout, sometimes twice; return how it went."""
    if browser.call("give page", "GET", give_path) is None:
        return "dropped"
    answer = browser.post("start gift", give_path, data)
    found = DONATION.search(answer.headers.get("Location", "")) if answer is not None else None
    if found is None:
        return "not started"
    checkout = f"/payments/demo/{found.group(1)}"
    browser.call("checkout page", "GET", checkout)
    press = partial(Browser.post, action="pay (demo webhook)", path=checkout, data={"outcome": "pay"})
    roll = rng.random()
    if roll < duplicates / 2:
        together(partial(press, browser), partial(press, browser.twin()))
        return "paid twice at once"
    press(browser)
    if roll < duplicates:
        press(browser)
        return "paid twice"
    return "paid"


def donor(base: str, plan: dict, share: list[str], deadline: float, seed: int, duplicates: float) -> dict:
    stats, rng = Stats(), random.Random(seed)
    people = []
    for email in share:
        browser = Browser(base, stats)
        if browser.login(email, plan["password"]):
            people.append(browser)
    outcomes: Counter = Counter()
    while people and time.time() < deadline:
        browser = rng.choice(people)
        fund = rng.choice(plan["funds"])
        outcomes[pay(browser, f"/payments/give/fund/{fund}",
                     {"amount": str(rng.randint(1, 500)), "display": rng.choice(["name", "masked", "anonymous"]),
                      "message": "", "organisation_id": ""}, rng, duplicates)] += 1
    stats.extra["gifts"] = dict(outcomes)
    return stats.result()


def claimer(base: str, plan: dict, share: list[tuple[str, str]], deadline: float, seed: int,
            duplicates: float) -> dict:
    stats, rng = Stats(), random.Random(seed)
    api = requests.Session()
    held: Counter = Counter()  # money claims each claimer still holds (the site allows 5)
    browsers: dict[str, Browser] = {}
    wishes = list(plan["wishes"])

    def claim(email: str, token: str, code: str, method: str):
        try:
            answer = api.post(f"{base}/api/v1/listings/{code}/claims", json={"method": method}, timeout=TIMEOUT,
                              headers={"Authorization": f"Bearer {token}"})
        except DROPPED:
            answer = None
        return email, token, stats.note("claim wish (api)", answer)

    while time.time() < deadline and wishes:
        code = rng.choice(wishes)
        method = "money" if rng.random() < 0.3 else "in_kind"
        free = [c for c in share if held[c[0]] < 5]
        if len(free) < 3:
            break
        racers = rng.sample(free, 3)
        answers = together(*[partial(claim, e, t, code, method) for e, t in racers])
        winners = [(e, t, a) for e, t, a in answers if a is not None and a.status_code == 201]
        stats.extra["races"].append((code, len(winners)))
        for email, token, answer in winners:
            if method == "in_kind":
                claim_id = answer.json()["id"]
                try:
                    released = api.post(f"{base}/api/v1/wish-claims/{claim_id}/release", timeout=TIMEOUT,
                                        headers={"Authorization": f"Bearer {token}"})
                except DROPPED:
                    released = None
                stats.note("release claim (api)", released)
                continue
            held[email] += 1
            if code in wishes:
                wishes.remove(code)
            if email not in browsers:
                browsers[email] = Browser(base, stats)
                browsers[email].login(email, plan["password"])
            pay(browsers[email], f"/payments/give/wish/{code}", {"display": "masked", "message": ""}, rng,
                duplicates)
    return stats.result()


def reviewer(base: str, plan: dict, share: list[tuple[str, int]], deadline: float, seed: int) -> dict:
    """Approve and reject each pending record at the same moment; note which answers were 2xx."""
    stats, rng = Stats(), random.Random(seed)
    sessions = [requests.Session(), requests.Session()]
    paths = {"attendance": "/api/v1/attendances/{}/", "report": "/api/v1/hour-reports/{}/"}

    def act(n: int, token: str, kind: str, record_id: int, verb: str):
        body = {} if verb == "approve" else {"note": "与记录不符（基准）"}
        try:
            answer = sessions[n].post(base + paths[kind].format(record_id) + verb, json=body, timeout=TIMEOUT,
                                      headers={"Authorization": f"Bearer {token}"})
        except DROPPED:
            answer = None
        return stats.note(f"{verb} {kind} (api)", answer)

    for kind, record_id in share:
        if time.time() >= deadline:
            break
        a, b = plan["reviewers"] if rng.random() < 0.8 else [plan["reviewers"][0]] * 2  # or one double click
        verbs = ["approve", "reject"] if rng.random() < 0.5 else ["reject", "approve"]
        answers = together(partial(act, 0, a, kind, record_id, verbs[0]), partial(act, 1, b, kind, record_id, verbs[1]))
        ok = [answer is not None and answer.status_code < 300 for answer in answers]
        stats.extra["reviews"].append((kind, record_id, dict(zip(verbs, ok, strict=True))))
    return stats.result()


def sheet(volunteers: list[str], day: date, label: str) -> bytes:
    lines = ["email,date,minutes,description"] + [f"{v},{day.isoformat()},30,{label}" for v in volunteers]
    return ("\n".join(lines) + "\n").encode("utf-8")


def importer(base: str, plan: dict, email: str, number: int, deadline: float, seed: int) -> dict:
    """Upload and confirm sheets one after another; a big one is confirmed once its check is done."""
    stats = Stats()
    browser = Browser(base, stats)
    browser.login(email, plan["password"])
    team, n = plan["team"], 0
    while time.time() < deadline:
        size = 600 if n % 3 == 1 and len(plan["volunteers"]) >= 600 else 200
        sequence = number + 2 * n  # two importers: every sheet has a day of its own
        day = date.today() - timedelta(days=100 + sequence)
        label = f"基准导入 {sequence}"
        browser.call("imports page", "GET", f"/timebank/orgs/{team}/imports")
        answer = browser.post(f"upload {size}-row sheet", f"/timebank/orgs/{team}/imports", {"title": label},
                              files={"upload": ("hours.csv", sheet(plan["volunteers"][:size], day, label),
                                                "text/csv")})
        n += 1
        found = BATCH.search(answer.headers.get("Location", "")) if answer is not None else None
        if found is None:
            continue
        batch = int(found.group(1))
        confirmed = False
        while time.time() < deadline + 30:  # a big sheet is checked by the RQ worker
            page = browser.call("import page", "GET", f"/timebank/imports/{batch}")
            if page is not None and f"/timebank/imports/{batch}/confirm" in page.text:
                confirmed = browser.post("confirm import", f"/timebank/imports/{batch}/confirm", {}) is not None
                break
            if page is not None and page.status_code == 200 and 'http-equiv="refresh"' not in page.text:
                break  # not running and nothing to confirm: failed, or no valid row
            time.sleep(1)
        stats.extra["imports"].append((batch, size, confirmed))
    return stats.result()
