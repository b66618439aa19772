"""The Oomnitza users REST API: token, paging with x-total-count, create, read, change, delete."""

import orjson
import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.sandbox.oomnitza_store import UserStore
from intune_pipeline.sandbox.oomnitza_users import UserListings, filtered
from intune_pipeline_tests.sandbox.conftest import Oomnitza, trusting_client

ROLE = 25


@pytest.fixture(scope="module")
def prefilled(tmp_path_factory):
    config = SandboxConfig(users=300, seed=3, prefill=0.5, state_dir=tmp_path_factory.mktemp("o"))
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        yield sandbox, Oomnitza(sandbox, http)


def test_every_call_needs_the_api_token(prefilled):
    api = prefilled[1]
    url = f"{api.url}/api/v3/users"
    for headers in (
        {},
        {"Authorization2": "wrong"},
        {"Authorization": api.headers["Authorization2"]},
    ):
        response = api.http.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json() == {"errors": "Invalid or missing API token"}
        assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_users_page_by_skip_and_limit_with_a_total_count(prefilled):
    sandbox, api = prefilled
    held = sandbox.oomnitza_users()
    assert 100 < len(held) < 200  # half of the tenant's users with a mail
    seen = []
    for skip in range(0, len(held), 40):
        response = api.get("/api/v3/users", limit=40, skip=skip)
        assert response.status_code == 200
        assert response.headers["x-total-count"] == str(len(held))
        seen.extend(user["uid"] for user in response.json())
    assert seen == sorted(user["uid"] for user in held)
    assert len(api.get("/api/v3/users").json()) == 100  # the default limit
    assert len(api.get("/api/v3/users", limit=5000).json()) == len(held)  # capped at 1000


def test_prefilled_users_have_the_rest_shape(prefilled):
    sandbox, api = prefilled
    user = api.get("/api/v3/users", limit=1).json()[0]
    for field in (
        "user_id", "uid", "username", "full_name", "first_name", "last_name", "email",
        "suspended", "address", "phone_number", "position", "role", "external_id", "version",
        "creation_date", "created_by", "change_date", "changed_by", "deleted",
        sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"],
    ):  # fmt: skip
        assert field in user
    assert len(user["user_id"]) == 32 and int(user["user_id"], 16) >= 0
    assert user["role"] == ROLE and user["email"] == user["email"].lower()


@pytest.mark.parametrize("params", [{"limit": "ten"}, {"skip": "-1"}, {"sortby": "shoe"}])
def test_bad_query_parameters_are_400(prefilled, params):
    response = prefilled[1].get("/api/v3/users", **params)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_filter_and_sort(prefilled):
    sandbox, api = prefilled
    someone = sandbox.oomnitza_users()[7]
    found = api.get("/api/v3/users", filter=f"email eq '{someone['email'].upper()}'").json()
    assert someone["user_id"] in [user["user_id"] for user in found]
    newest = api.get("/api/v3/users", sortby="uid desc", limit=1).json()[0]
    assert newest["uid"] == max(user["uid"] for user in sandbox.oomnitza_users())


def test_create_read_change_delete_one_user(oomnitza):
    body = {"username": "ann@contoso.com", "email": "ann@contoso.com", "role": ROLE}
    created = oomnitza.post("/api/v3/users", body)
    assert created.status_code == 200, created.text
    user = created.json()
    assert user["uid"] == 1 and user["suspended"] is False and user["version"] == "1"
    by_name = oomnitza.get("/api/v3/users/ANN@contoso.com").json()
    assert by_name["user_id"] == user["user_id"]
    changed = oomnitza.patch(f"/api/v3/users/{user['user_id']}", {"position": "Engineer"}).json()
    assert changed["position"] == "Engineer" and changed["version"] == "2"
    assert oomnitza.delete(f"/api/v3/users/{user['user_id']}").status_code == 200
    assert oomnitza.get(f"/api/v3/users/{user['user_id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"username": "x"}, "role"),
        ({"username": "x", "role": 99}, "role"),
        ({"email": "x@y", "role": ROLE}, "username is required"),
        ({"username": "x", "role": ROLE, "shoe_size": 9}, "shoe_size"),
        ({"username": "taken@contoso.com", "role": ROLE}, "already held"),
    ],
)
def test_create_is_validated_like_bulk(oomnitza, body, says):
    oomnitza.post("/api/v3/users", {"username": "taken@contoso.com", "role": ROLE})
    response = oomnitza.post("/api/v3/users", body)
    assert response.status_code == 400
    assert says in response.json()["errors"]


def test_a_change_date_filter_served_from_the_index_lists_what_a_pass_over_all_lists():
    """The store's change_date index is a shortcut only: loaded records out of date order, a
    change, a deletion and a filter of several conditions list the same users in uid order."""
    store = UserStore()
    for n, date in enumerate([500, 100, 300, 300, 900, 200]):
        store.create({"username": f"u{n}", "email": f"u{n}@x.test", "change_date": date}, "file")
    changed, gone = store.find("username", "u1"), store.find("username", "u2")
    store.update(changed, {"position": "Nurse"}, "api")  # dated now, long after 900
    store.delete(gone)
    listings = UserListings(store)
    for expression in [
        "change_date ge 300",
        "change_date gt 300",
        "change_date ge 901",
        "change_date ge '1970-01-01T00:05:00Z' and position ne 'Nurse'",
        "position eq 'nurse' and change_date ge 0",
        "username eq 'u0'",
    ]:
        expected = filtered(store.in_uid_order(), expression)
        listed = listings.answer({"filter": expression, "limit": "100"}).body
        assert [user["uid"] for user in orjson.loads(listed)] == [user["uid"] for user in expected]
    assert [user["username"] for user in filtered(store.in_uid_order(), "change_date ge 300")] == [
        "u0",
        "u1",
        "u3",
        "u4",
    ]
