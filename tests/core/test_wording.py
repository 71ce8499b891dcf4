"""Chinese pages use the words people use: 报名 to sign up (for the site and for an activity), never 注册 or 开户."""
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "marketplace/translations/zh_CN/LC_MESSAGES/messages.po"


def test_signing_up_is_always_baoming_in_the_chinese_catalog():
    with PO.open("rb") as fileobj:
        catalog = read_po(fileobj, locale="zh_CN")
    other_words = [(m.id, m.string) for m in catalog if m.id and any(w in str(m.string) for w in ("注册", "开户"))]
    assert not other_words
    assert catalog.get("Sign up").string == "报名" and "报名" in catalog.get("Create my account").string


def test_the_sign_up_link_and_button_say_baoming(client):
    home = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert ">报名</a>" in home and "注册" not in home
    page = client.get("/auth/register", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<h1>报名</h1>" in page and "确认报名" in page
