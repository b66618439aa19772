"""$filter, $count and ConsistencyLevel on /users: what works without advanced query, and not."""

import orjson
import pytest

from intune_pipeline.sandbox.graph_filter import compile_filter
from intune_pipeline.sandbox.graph_pages import PageCache, walk
from intune_pipeline_tests.sandbox.graph_client import ADVANCED, Graph

INTUNE = "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"
HAS_INTUNE = f"assignedPlans/any(p:p/servicePlanId eq {INTUNE} and p/capabilityStatus eq 'Enabled')"


@pytest.fixture(scope="module")
def users(shared_sandbox):
    return shared_sandbox.graph_users


def has_intune(user) -> bool:
    return any(
        plan["servicePlanId"] == INTUNE and plan["capabilityStatus"] == "Enabled"
        for plan in user["assignedPlans"]
    )


def ids(graph: Graph, text: str, headers=None, **params) -> list[str]:
    params = {"$filter": text, "$select": "id", "$top": "40", **params}
    return [user["id"] for user in graph.items("/v1.0/users", params, headers)]


def low(value):
    return value.lower() if value else value


BASIC = [
    ("accountEnabled eq true", lambda u: u["accountEnabled"]),
    ("accountEnabled eq false", lambda u: not u["accountEnabled"]),
    ("userType eq 'Guest'", lambda u: u["userType"] == "Guest"),
    ("userType eq 'Member'", lambda u: u["userType"] == "Member"),
    ("jobTitle eq 'Designer'", lambda u: u["jobTitle"] == "Designer"),
    ("jobTitle eq null", lambda u: u["jobTitle"] is None),
    ("givenName eq null", lambda u: u["givenName"] is None),
    ("startsWith(displayName,'a')", lambda u: u["displayName"].lower().startswith("a")),
    ("startswith(mail,'SAM')", lambda u: low(u["mail"] or "").startswith("sam")),
    ("department in ('Sales','Legal')", lambda u: u["department"] in ("Sales", "Legal")),
    (
        "(userType eq 'Guest' or accountEnabled eq false) and mail eq null",
        lambda u: (u["userType"] == "Guest" or not u["accountEnabled"]) and u["mail"] is None,
    ),
    ("displayName eq 'x' or userType eq 'Guest'", lambda u: u["userType"] == "Guest"),
]


@pytest.mark.parametrize(("text", "predicate"), BASIC, ids=[text for text, _ in BASIC])
def test_basic_clauses_work_without_advanced_query(graph, users, text, predicate):
    expected = [user["id"] for user in users if predicate(user)]
    assert expected  # each clause picks someone
    assert ids(graph, text) == expected


def test_string_comparisons_ignore_case(graph, users):
    user = next(u for u in users if u["mail"] and u["userType"] == "Member")
    assert ids(graph, f"mail eq '{user['mail'].upper()}'") == [
        u["id"] for u in users if low(u["mail"]) == user["mail"].lower()
    ]


ADVANCED_ONLY = [
    ("jobTitle ne 'Designer'", "jobTitle", lambda u: u["jobTitle"] != "Designer"),
    ("not(userType eq 'Member')", "userType", lambda u: u["userType"] != "Member"),
    (
        "endsWith(mail,'@contoso.com')",
        "mail",
        lambda u: low(u["mail"] or "").endswith("@contoso.com"),
    ),
    (HAS_INTUNE, "assignedPlans", has_intune),
    (
        "accountEnabled eq true and NOT startsWith(displayName,'a')",
        "displayName",
        lambda u: u["accountEnabled"] and not u["displayName"].lower().startswith("a"),
    ),
]


@pytest.mark.parametrize(
    ("text", "prop", "predicate"), ADVANCED_ONLY, ids=[t for t, _, _ in ADVANCED_ONLY]
)
def test_advanced_clauses_need_the_header_and_count(graph, users, text, prop, predicate):
    message = (
        f"Unsupported or invalid query filter clause specified for property '{prop}' of "
        "resource 'User'."
    )
    for headers, count in ((None, None), (ADVANCED, None), (ADVANCED, "false")):
        params = {"$filter": text, **({"$count": count} if count else {})}
        response = graph.get("/v1.0/users", params, headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "Request_UnsupportedQuery"
        assert response.json()["error"]["message"] == message
    expected = [user["id"] for user in users if predicate(user)]
    bodies = graph.pages(
        "/v1.0/users", {"$filter": text, "$count": "true", "$select": "id", "$top": "5"}, ADVANCED
    )
    assert [user["id"] for body in bodies for user in body["value"]] == expected
    assert bodies[0]["@odata.count"] == len(expected)
    assert len(bodies) > 1 and all("@odata.count" not in body for body in bodies[1:])


def test_count_without_the_header_is_refused_and_pages_need_it_again(graph, users):
    response = graph.get("/v1.0/users", {"$count": "true"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "$count is not currently supported."
    first = graph.get("/v1.0/users", {"$count": "true", "$top": "10"}, ADVANCED).json()
    assert first["@odata.count"] == len(users)
    link = first["@odata.nextLink"]
    assert graph.get(link).status_code == 400  # the header was not sent again
    second = graph.get(link, headers=ADVANCED)
    assert second.status_code == 200 and "@odata.count" not in second.json()
    intune = graph.get(
        "/v1.0/users", {"$filter": HAS_INTUNE, "$count": "true", "$top": "5"}, ADVANCED
    )
    assert graph.get(intune.json()["@odata.nextLink"]).status_code == 400


def test_most_members_hold_intune_and_guests_do_not(users):
    members = [u for u in users if u["userType"] == "Member" and u["givenName"]]
    guests = [u for u in users if u["userType"] == "Guest"]
    assert 0.7 < sum(map(has_intune, members)) / len(members) < 0.9
    assert guests and not any(map(has_intune, guests))


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("displayName eq", "BadRequest", "Invalid filter clause"),
        ("startsWith(displayName,'a'", "BadRequest", "Invalid filter clause"),
        ("userType eq 'Member')", "BadRequest", "Invalid filter clause"),
        ("shoeSize eq 'a'", "BadRequest", "Could not find a property named 'shoeSize'"),
        ("accountEnabled eq 'yes'", "BadRequest", "incompatible types"),
        ("startsWith(department,'S')", "Request_UnsupportedQuery", "property 'department'"),
        ("businessPhones eq 'x'", "Request_UnsupportedQuery", "property 'businessPhones'"),
        ("endsWith(displayName,'a')", "Request_UnsupportedQuery", "property 'displayName'"),
    ],
)
def test_bad_filters_answer_400(graph, text, code, says):
    for headers, params in ((None, {}), (ADVANCED, {"$count": "true"})):
        response = graph.get("/v1.0/users", {"$filter": text, **params}, headers)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == code and says in error["message"]
        assert error["innerError"]["request-id"] == response.headers["request-id"]


@pytest.mark.parametrize("prefix", ["a", "", "AN", "zz", "é", "anna.", "'", "\U0010ffff"])
def test_a_startswith_alone_is_paged_from_its_index_as_a_scan_pages_it(prefix):
    """PageCache answers a bare startswith from an index; every page, and where it stops, is
    what a scan of the slots gives: holes, texts of any case, and values that are not text."""
    names = ["Anna@x", "anne@x", None, "ÉMILE@x", "émile@x", "'quote@x", "zed@x", 5, "an"]
    names += ["\U0010ffff@x", "anna.b@x", "ANNA.C@x", "bob@x"]
    slots = [{"id": str(n), "userPrincipalName": name} for n, name in enumerate(names * 7)]
    slots[3] = slots[20] = None  # removed users leave holes
    quoted = prefix.replace("'", "''")
    keep, _ = compile_filter(
        f"startswith(userPrincipalName,'{quoted}')",
        {"userprincipalname": "userPrincipalName"},
    )
    assert keep.prefix == ("userPrincipalName", prefix.lower())
    for size in (1, 4, 999):
        cache, start, pages = PageCache(), 0, []
        while True:
            body, stop = cache.page(slots, 1, ("id",), start, size, keep, "f")
            assert (orjson.loads(body), stop) == (
                [{"id": item["id"]} for item in walk(slots, start, size, keep)[0]],
                walk(slots, start, size, keep)[1],
            )
            pages.append(body)
            if stop >= len(slots):
                break
            start = stop
        assert sum(len(orjson.loads(page)) for page in pages) == sum(map(keep, filter(None, slots)))


def test_the_startswith_index_follows_a_change_of_the_tenant():
    slots = [{"id": "1", "userPrincipalName": "ann@x"}, {"id": "2", "userPrincipalName": "bo@x"}]
    keep, _ = compile_filter(
        "startswith(userPrincipalName,'b')", {"userprincipalname": "userPrincipalName"}
    )
    cache = PageCache()
    assert orjson.loads(cache.page(slots, 1, ("id",), 0, 10, keep, "f")[0]) == [{"id": "2"}]
    slots[0] = {"id": "1", "userPrincipalName": "Bea@x"}  # renamed: the tenant's generation 2
    assert orjson.loads(cache.page(slots, 2, ("id",), 0, 10, keep, "f")[0]) == [
        {"id": "1"},
        {"id": "2"},
    ]
