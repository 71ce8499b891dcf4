"""Organisations carry their registered name, unified social credit code (checked) and address, and no
organisation's name may read like another's after normalising width, case, spaces and punctuation."""
import pytest

from marketplace.orgs import service
from marketplace.orgs.credit_code import is_valid
from marketplace.orgs.names import name_key
from marketplace.platform.errors import InvalidInput

CODE = "51440100MJ0000000U"  # a well-formed code (check character U)


def register(user, name_zh, name_en, **fields):
    return service.create_organisation(user, "charity", name_zh=name_zh, name_en=name_en, district_id=1, **fields)


def test_names_are_compared_as_people_read_them():
    assert name_key("广州 慈善会") == name_key("（广州）慈善会!") == name_key("广州慈善会")
    assert name_key("ＧＺ　Ｃｈａｒｉｔｙ") == name_key("gz-charity") == "gzcharity"


def test_a_look_alike_of_a_registered_name_is_refused(create_user):
    user = create_user()
    first = register(user, "广州慈善会", "GZ Charity")
    for zh, en, field in (("广州 慈善会", "Another", "name_zh"), ("别的名字", "ＧＺ　ｃｈａｒｉｔｙ！", "name_en")):
        with pytest.raises(InvalidInput) as refused:
            register(create_user(), zh, en)
        assert "广州慈善会" in str(refused.value.fields[field][0])
    assert service.update_organisation(user, first, name_zh="广州慈善会", name_en="GZ Charity", district_id=1)
    other = register(create_user(), "海珠关爱会", "Haizhu Care")
    with pytest.raises(InvalidInput):
        service.update_organisation(other.memberships[0].user, other, name_zh="广州-慈善会", name_en="Haizhu Care",
                                    district_id=1)


def test_the_credit_code_is_checked_and_unique(create_user):
    assert is_valid(CODE) and not is_valid(CODE[:-1] + "X") and not is_valid("12345")
    with pytest.raises(InvalidInput) as refused:
        register(create_user(), "甲机构", "Org A", credit_code="51440100MJ0000000X")
    assert "not valid" in str(refused.value.fields["credit_code"][0])
    org = register(create_user(), "乙机构", "Org B", credit_code=" ５1440100mj0000000u ",
                   registered_name="广州市乙机构", address="广州市天河区天河路 1 号")
    assert (org.credit_code, org.registered_name, org.address) == (CODE, "广州市乙机构", "广州市天河区天河路 1 号")
    with pytest.raises(InvalidInput) as taken:
        register(create_user(), "丙机构", "Org C", credit_code=CODE)
    assert "credit_code" in taken.value.fields


def test_the_edit_page_saves_the_registration(client, auth, create_user, create_org):
    admin = create_user()
    org = create_org("charity", {admin: "admin"}, name_zh="丁机构", name_en="Org D")
    auth.login(admin.email)
    url = f"/orgs/{org.id}/edit"
    response = auth.post(url, {"name_zh": "丁机构", "name_en": "Org D", "district_id": "1", "credit_code": CODE,
                               "registered_name": "广州市丁机构", "address": "越秀区 2 号"}, form_page=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert CODE in page and "广州市丁机构" in page
