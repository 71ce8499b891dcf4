"""The manage page's changing part is served alone for refreshing; the page itself never reloads by itself."""
from marketplace.timebank.activities import service


def test_the_manage_page_has_a_refresh_link_and_no_automatic_reload(client, auth, team, create_activity):
    activity = create_activity()
    auth.login(team.coordinator.email)
    page = client.get(f"/timebank/activities/{activity.id}/manage").get_data(as_text=True)
    assert f'data-refresh-url="/timebank/activities/{activity.id}/manage/live"' in page
    assert f'href="/timebank/activities/{activity.id}/manage" data-refresh-link' in page


def test_the_live_part_has_fresh_codes_and_lists_without_the_layout(client, auth, team, create_activity,
                                                                  create_user):
    activity = create_activity()
    service.sign_up(activity.id, create_user(display_name="王一"))
    auth.login(team.coordinator.email)
    response = client.get(f"/timebank/activities/{activity.id}/manage/live")
    live = response.get_data(as_text=True)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "<html" not in live and "王一" in live and 'data-qr="in"' in live
    assert "Record attendance by hand" not in live  # the coordinator's own form is never replaced


def test_only_the_activitys_coordinators_get_the_live_part(client, auth, create_activity, create_user):
    activity = create_activity()
    auth.login(create_user().email)
    assert client.get(f"/timebank/activities/{activity.id}/manage/live").status_code == 404
