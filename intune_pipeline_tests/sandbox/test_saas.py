"""SaaS applications and their users: create, list, assign, unassign, activate, deactivate."""

import pytest

from intune_pipeline_tests.sandbox.openapi import problems, response_schema

ROLE = 25


def new_user(oomnitza, name: str) -> dict:
    body = {"username": f"{name}@contoso.com", "email": f"{name}@contoso.com", "role": ROLE}
    body["full_name"] = name.title()
    response = oomnitza.post("/api/v3/users", body)
    assert response.status_code == 200, response.text
    return response.json()


def new_saas(oomnitza, name: str = "Microsoft Intune", **fields) -> dict:
    response = oomnitza.post("/api/v3/saas", {"saas_name": name, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_create_list_filter_and_get_applications(oomnitza, own_sandbox):
    created = new_saas(oomnitza, publisher="Microsoft", annual_spend=1200.5)
    # The create answer requires saas_id, typed string there but integer in "SaaS": the
    # sandbox keeps the one type, that of "SaaS".
    assert response_schema("/api/v3/saas", "post")["required"] == ["saas_id"]
    assert not problems(created, response_schema("/api/v3/saas/{ident}", "get"))
    assert created["saas_id"] == 1 and created["publisher"] == "Microsoft"
    new_saas(oomnitza, "Slack")
    listed = oomnitza.get("/api/v3/saas")
    assert listed.headers["x-total-count"] == "2"
    assert not problems(listed.json(), response_schema("/api/v3/saas", "get"))
    found = oomnitza.get("/api/v3/saas", filter="saas_name eq 'microsoft intune'").json()
    assert [app["saas_id"] for app in found] == [1]
    assert oomnitza.get("/api/v3/saas", limit=1, skip=1).json()[0]["saas_name"] == "Slack"
    assert oomnitza.get("/api/v3/saas/1").json() == created
    assert oomnitza.get("/api/v3/saas/9").status_code == 404
    assert [app["saas_name"] for app in own_sandbox.saas_applications()] == [
        "Microsoft Intune",
        "Slack",
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "saas_name is required"),
        ({"saas_name": " "}, "saas_name is required"),
        ({"saas_name": "X", "visited": "often"}, "visited"),
        ({"saas_name": "X", "colour": "red"}, "colour"),
        (["X"], "JSON object"),
    ],
)
def test_bad_applications_are_400(oomnitza, body, says):
    response = oomnitza.post("/api/v3/saas", body)
    assert response.status_code == 400
    assert says in response.json()["errors"]


def test_assign_twice_unassign_and_unknown_users(oomnitza, own_sandbox):
    saas_id = new_saas(oomnitza)["saas_id"]
    ann, bob = new_user(oomnitza, "ann"), new_user(oomnitza, "bob")
    url = f"/api/v3/saas/{saas_id}/users"
    items = [
        {"user_id": ann["user_id"], "assign": True},
        {"user_id": bob["user_id"], "assign": True},
        {"user_id": "nobody", "assign": True},
        {"user_id": ann["user_id"]},
    ]
    answer = oomnitza.post(url, items)
    assert answer.status_code == 200
    outcomes = answer.json()
    assert [o["error"] is None for o in outcomes] == [True, True, False, False]
    assert "'nobody' not found" in outcomes[2]["error"]
    again = oomnitza.post(url, items[:1]).json()
    assert again[0]["saas_user_id"] == outcomes[0]["saas_user_id"]  # assigning twice is harmless
    assigned = oomnitza.get(url).json()
    assert not problems(assigned, response_schema("/api/v3/saas/{ident}/users", "get"))
    assert [(u["username"], u["full_name"], u["active"]) for u in assigned] == [
        ("ann@contoso.com", "Ann", True),
        ("bob@contoso.com", "Bob", True),
    ]
    assert assigned[0]["saas_user_id"] == outcomes[0]["saas_user_id"]
    gone = oomnitza.post(url, [{"user_id": ann["user_id"], "assign": False}]).json()
    assert gone[0]["saas_user_id"] == outcomes[0]["saas_user_id"] and gone[0]["error"] is None
    assert [u["user_id"] for u in own_sandbox.saas_users(saas_id)] == [bob["user_id"]]
    assert oomnitza.post(url, {"user_id": "x"}).status_code == 400
    assert oomnitza.post("/api/v3/saas/7/users", items[:1]).status_code == 404


def test_activate_and_deactivate_saas_users(oomnitza, own_sandbox):
    saas_id = new_saas(oomnitza)["saas_id"]
    users = [new_user(oomnitza, name)["user_id"] for name in ("ann", "bob")]
    oomnitza.post(f"/api/v3/saas/{saas_id}/users", [{"user_id": u, "assign": True} for u in users])
    everyone = oomnitza.get("/api/v3/saas_users")
    assert everyone.status_code == 200
    assert not problems(everyone.json(), response_schema("/api/v3/saas_users", "get"))
    ids = [entry["saas_user_id"] for entry in everyone.json()]
    answer = oomnitza.patch("/api/v3/saas_users/deactivate", {"saas_user_ids": [ids[0], "nope"]})
    assert not problems(answer.json(), response_schema("/api/v3/saas_users/deactivate", "patch"))
    assert answer.json()[0] == {"saas_user_id": ids[0], "error": None}
    assert "not found" in answer.json()[1]["error"]
    assert [u["active"] for u in own_sandbox.saas_users()] == [False, True]
    inactive = oomnitza.get("/api/v3/saas_users", filter="active eq false").json()
    assert [u["saas_user_id"] for u in inactive] == [ids[0]]
    oomnitza.patch("/api/v3/saas_users/activate", {"saas_user_ids": [ids[0]]})
    assert [u["active"] for u in own_sandbox.saas_users()] == [True, True]
    assert oomnitza.patch("/api/v3/saas_users/activate", ["x"]).status_code == 400


def test_saas_calls_need_the_api_token(oomnitza):
    response = oomnitza.http.get(f"{oomnitza.url}/api/v3/saas")
    assert response.status_code == 401


def test_the_python_api_can_set_up_an_application(own_sandbox, oomnitza):
    created = own_sandbox.add_saas("Microsoft Intune", publisher="Microsoft")
    assert oomnitza.get(f"/api/v3/saas/{created['saas_id']}").json()["createdby"] == "sandbox"
