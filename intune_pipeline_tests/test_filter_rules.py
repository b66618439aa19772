"""Filter rules: every op, include/exclude counts, the settings form, and Graph pushdown that
selects the same users as local evaluation."""

import math
import random

import pandas as pd
import pytest

from intune_pipeline.graph.odata_filter import parse_filter
from intune_pipeline.sandbox.graph_filter import compile_filter
from intune_pipeline.sandbox.graphschema import USER_PROPERTIES
from intune_pipeline.users.filter_rules import (
    Rule,
    apply_rules,
    graph_clause,
    graph_filter,
    graph_properties,
    rules_from_settings,
)
from intune_pipeline.users.mapping import STANDARD_MAPPINGS
from intune_pipeline.users.mapping_engine import evaluate

USERS = [
    {"id": "ann", "userType": "Member", "accountEnabled": True, "mail": "Ann@Contoso.com",
     "displayName": "Ann Lee", "department": "Sales", "age": 42, "businessPhones": ["+1 555"],
     "onPremisesExtensionAttributes": {"extensionAttribute1": "Cost-42"}},
    {"id": "bob", "userType": "member", "accountEnabled": False,
     "mail": "bob@contractors.example.com", "displayName": "svc-backup", "department": "  ",
     "age": 1, "businessPhones": [],
     "onPremisesExtensionAttributes": {"extensionAttribute1": None}},
    {"id": "cy", "userType": "Guest", "accountEnabled": 1, "mail": None,
     "displayName": "Room_12", "department": "engineering", "age": 42.0, "businessPhones": None,
     "onPremisesExtensionAttributes": None},
]  # fmt: skip
FRAME = pd.DataFrame(USERS).astype(object)


def kept(*rules, frame=FRAME, **options) -> list[str]:
    return list(apply_rules(rules, frame, **options)[0]["id"])


@pytest.mark.parametrize(
    ("field", "op", "value", "matched"),
    [
        ("userType", "equals", "MEMBER", ["ann", "bob"]),
        ("accountEnabled", "equals", True, ["ann"]),  # 1 is not true
        ("age", "equals", 42, ["ann", "cy"]),
        ("department", "in", ["sales", "Engineering", 7], ["ann", "cy"]),
        ("mail", "starts_with", "ANN@", ["ann"]),
        ("mail", "ends_with", "@CONTRACTORS.example.com", ["bob"]),
        ("displayName", "regex", "^(svc|room)[-_ ]", ["bob", "cy"]),
        ("displayName", "regex", "lee", ["ann"]),  # re.search: anywhere unless anchored
        ("displayName", "regex", "^lee$", []),
        ("department", "is_empty", None, ["bob"]),  # blank text
        ("mail", "is_empty", True, ["cy"]),
        ("businessPhones", "is_empty", None, ["bob", "cy"]),  # empty list and None
        ("businessPhones[0]", "starts_with", "+1", ["ann"]),
        ("onPremisesExtensionAttributes.extensionAttribute1", "equals", "cost-42", ["ann"]),
        ("onPremisesExtensionAttributes.extensionAttribute1", "is_empty", None, ["bob", "cy"]),
    ],
)
def test_each_op_includes_and_excludes_its_matches(field, op, value, matched):
    assert kept(Rule("include", field, op, value)) == matched
    assert kept(Rule("exclude", field, op, value)) == [u for u in FRAME["id"] if u not in matched]


def test_missing_values_match_no_op_but_is_empty():
    frame = pd.DataFrame([{"id": "x", "mail": math.nan}, {"id": "y"}]).astype(object)
    for op, value in [("equals", "a"), ("in", ["a"]), ("starts_with", "a"), ("regex", ".*")]:
        assert kept(Rule("include", "mail", op, value), frame=frame) == []
        assert kept(Rule("exclude", "mail", op, value), frame=frame) == ["x", "y"]
    assert kept(Rule("include", "mail", "is_empty"), frame=frame) == ["x", "y"]


def test_includes_all_narrow_and_counts_add_up_in_order():
    rules = [
        Rule("include", "userType", "equals", "Member"),
        Rule("include", "accountEnabled", "equals", True, name="enabled only"),
        Rule("exclude", "displayName", "regex", "^svc"),
        Rule("exclude", "mail", "is_empty"),
    ]
    users, effects = apply_rules(rules, FRAME)
    assert list(users["id"]) == ["ann"] and users.index.tolist() == [0]
    assert effects == [
        {"rule": "include userType equals Member", "removed": 1},
        {"rule": "enabled only", "removed": 1},
        {"rule": "exclude displayName regex ^svc", "removed": 0},  # bob already gone
        {"rule": "exclude mail is empty", "removed": 0},
    ]
    assert sum(e["removed"] for e in effects) == len(FRAME) - len(users)
    assert apply_rules([], FRAME)[0].equals(FRAME)
    assert apply_rules(rules, FRAME.iloc[:0])[1][0]["removed"] == 0


def test_oomnitza_fields_read_the_mapped_frame_and_graph_columns_take_a_prefix():
    base = {"userPrincipalName": "u", "givenName": "G", "surname": "S", "jobTitle": None,
            "officeLocation": None, "mobilePhone": None, "businessPhones": []}  # fmt: skip
    graph = pd.DataFrame([{**u, **base} for u in USERS]).astype(object)
    mapped = evaluate(STANDARD_MAPPINGS, graph)
    frame = graph.add_prefix("graph.").join(mapped.add_prefix("oomnitza."))
    rules = [Rule("exclude", "oomnitza.email", "is_empty"), Rule("include", "age", "equals", 42)]
    users, effects = apply_rules(rules, frame, graph_columns_prefix="graph.")
    assert list(users["graph.id"]) == ["ann"] and [e["removed"] for e in effects] == [1, 1]
    assert list(apply_rules(rules[:1], frame)[0]["oomnitza.email"]) == [
        "ann@contoso.com",
        "bob@contractors.example.com",
    ]
    only_ann = Rule("include", "oomnitza.email", "equals", "ANN@contoso.com")
    assert list(apply_rules([only_ann], frame)[0]["graph.id"]) == ["ann"]
    with pytest.raises(ValueError, match="read age, which the frame lacks"):
        apply_rules(rules, frame)
    assert graph_properties([*rules, Rule("include", "businessPhones[0]", "equals", "1")]) == {
        "age",
        "businessPhones",
    }


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (("include", "userType", "equals", "Member"), "userType eq 'Member'"),
        (("exclude", "userType", "equals", "Guest"), "userType ne 'Guest'"),
        (("include", "accountEnabled", "equals", True), "accountEnabled eq true"),
        (("exclude", "accountEnabled", "equals", False), "accountEnabled ne false"),
        (("include", "surname", "equals", "O'Brien"), "surname eq 'O''Brien'"),
        (("include", "department", "in", ["Sales", "IT"]), "department in ('Sales','IT')"),
        (("exclude", "department", "in", ["Sales", "IT"]),
         "department ne 'Sales' and department ne 'IT'"),
        (("include", "displayName", "starts_with", "ann"), "startsWith(displayName,'ann')"),
        (("exclude", "displayName", "starts_with", "svc"), "not(startsWith(displayName,'svc'))"),
        (("include", "mail", "ends_with", "@contoso.com"), "endsWith(mail,'@contoso.com')"),
        (("exclude", "mail", "ends_with", "@contoso.com"), None),  # NOT is not in Graph's table
        (("exclude", "mail", "starts_with", "a"), None),
        (("include", "jobTitle", "starts_with", "a"), None),  # Graph has no startsWith on it
        (("include", "officeLocation", "equals", "HQ"), None),  # eq only in advanced query
        (("include", "accountEnabled", "equals", "true"), None),  # text for a boolean
        (("include", "userType", "equals", 3), None),
        (("include", "displayName", "equals", "Ann Lee"), "displayName eq 'Ann Lee'"),
        (("include", "department", "in", [f"d{n}" for n in range(16)]), None),
        (("include", "displayName", "regex", "^a"), None),
        (("include", "mail", "is_empty", None), None),
        (("include", "oomnitza.email", "equals", "a@b.c"), None),
        (("include", "onPremisesExtensionAttributes.extensionAttribute1", "equals", "x"), None),
    ],
)  # fmt: skip
def test_pushdown_text_per_op(rule, text):
    assert graph_clause(Rule(*rule)) == text


def generated_users(count=300, seed=7) -> list[dict]:
    pools = {
        "userType": ["Member", "member", "Guest", None, ""],
        "accountEnabled": [True, False, None],
        "department": ["Sales", "sales", "Engineering", "IT", "", "  ", None],
        "displayName": ["Ann Lee", "ann", "svc-backup", "SVC", "Bob", "", None],
        "mail": ["ann@contoso.com", "B@CONTRACTORS.example.com", "x@contractors.example.com.evil",
                 "", None],
        "surname": ["O'Brien", "o'brien", "Brien", None],
    }  # fmt: skip
    rng = random.Random(seed)
    users = []
    for number in range(count):
        user = {"id": f"u{number}"}
        user.update({p: rng.choice(values) for p, values in pools.items() if rng.random() < 0.9})
        users.append(user)
    return users


PUSHABLE = [
    Rule("include", "userType", "equals", "Member"),
    Rule("exclude", "userType", "equals", "Guest"),
    Rule("include", "accountEnabled", "equals", True),
    Rule("exclude", "accountEnabled", "equals", False),
    Rule("include", "surname", "equals", "O'Brien"),
    Rule("include", "department", "in", ["Sales", "Engineering"]),
    Rule("exclude", "department", "in", ["Sales", "IT"]),
    Rule("include", "displayName", "starts_with", "ann"),
    Rule("exclude", "displayName", "starts_with", "svc"),
    Rule("include", "mail", "ends_with", "@contractors.example.com"),
]


@pytest.mark.parametrize("rules", [[rule] for rule in PUSHABLE] + [PUSHABLE[1::2], PUSHABLE])
def test_pushed_filter_selects_what_local_rules_keep(rules):
    users = generated_users()
    text = graph_filter(rules)
    parsed = parse_filter(text)
    by_graph = [u["id"] for u in users if parsed.matches(u)]
    assert by_graph == kept(*rules, frame=pd.DataFrame(users).astype(object))
    assert 0 < len(by_graph) < len(users) or len(rules) > 1  # each rule alone is a real test
    # The sandbox takes the same text and asks for advanced query exactly when the client will.
    keep, advanced = compile_filter(text, {p.lower(): p for p in USER_PROPERTIES})
    assert bool(advanced) is parsed.advanced
    assert [u["id"] for u in users if keep(u)] == by_graph


def test_graph_filter_of_the_settings_example_pushes_what_graph_can_evaluate():
    rules = rules_from_settings(EXAMPLE)
    assert graph_filter(rules) == (
        "userType eq 'Member' and accountEnabled eq true and department in ('Sales','Engineering')"
    )
    assert graph_filter(rules[3::2]) is None
    assert graph_properties(rules) == {
        "userType",
        "accountEnabled",
        "mail",
        "displayName",
        "department",
    }


EXAMPLE = [
    {"include": {"field": "userType", "equals": "Member"}},
    {"include": {"field": "accountEnabled", "equals": True}},
    {"exclude": {"field": "mail", "ends_with": "@contractors.example.com"}},
    {"exclude": {"field": "displayName", "regex": "^(svc|room)[-_ ]"}},
    {"include": {"field": "department", "in": ["Sales", "Engineering"]}},
    {"exclude": {"field": "oomnitza.email", "is_empty": True, "name": "no e-mail"}},
]


def test_settings_form_makes_named_rules():
    rules = rules_from_settings(EXAMPLE)
    assert [rule.name for rule in rules] == [
        "include userType equals Member",
        "include accountEnabled equals true",
        "exclude mail ends with @contractors.example.com",
        "exclude displayName regex ^(svc|room)[-_ ]",
        "include department in Sales, Engineering",
        "no e-mail",
    ]
    assert rules[4] == Rule("include", "department", "in", ("Sales", "Engineering"))
    assert rules_from_settings(None) == ()


def test_settings_errors_name_every_bad_entry():
    entries = [
        {"include": {"field": "userType", "equals": "Member"}},
        "userType: Member",
        {"exclude": {"field": "mail", "endswith": "@x.com"}},
        {"exclude": {"field": "mail", "equals": "a", "in": ["a"]}},
        {"include": {"equals": "a"}},
        {"keep": {"field": "mail", "equals": "a"}},
        {"exclude": {"field": "displayName", "regex": "^(svc"}},
        {"include": {"field": "mail"}},
    ]
    with pytest.raises(ValueError) as raised:
        rules_from_settings(entries)
    problems = str(raised.value).split("; filters")
    assert [p.split(":")[0].removeprefix("filters") for p in problems] == [
        "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]",
    ]  # fmt: skip
    assert (
        "filters[2]: unknown op 'endswith'; use equals, in, starts_with, ends_with, regex or "
        "is_empty" in str(raised.value)
    )
    assert "give one op" in problems[2] and "needs a field" in problems[3]
    assert "invalid regex '^(svc' (missing )" in problems[5]
    with pytest.raises(ValueError, match="filters is a list"):
        rules_from_settings({"include": {}})


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("keep", "mail", "equals", "a"), "unknown action 'keep'; use include or exclude"),
        (("include", "mail", "endswith", "a"), "unknown op 'endswith'; use equals, in,"),
        (("include", "mail", "in", "Sales"), "in needs a list of values, such as"),
        (("include", "mail", "in", []), "in needs a list"),
        (("include", "mail", "in", ["a", None]), "in lists None"),
        (("include", "mail", "equals", None), "equals needs text, a number or true/false"),
        (("include", "mail", "equals", " "), "for none use is_empty"),
        (("include", "mail", "equals", math.inf), "equals needs"),
        (("include", "mail", "starts_with", 5), "starts_with needs non-blank text, not 5"),
        (("include", "mail", "ends_with", ["a"]), "ends_with needs non-blank text"),
        (("include", "mail", "regex", "[a-"), r"invalid regex '\[a-' \(unterminated"),
        (("include", "mail", "is_empty", False), "is_empty takes no value"),
        (("include", "a..b", "equals", "x"), "not a Graph property path"),
        (("include", "oomnitza.e-mail", "equals", "x"), "not an Oomnitza field"),
        (("include", "mail", "equals", "x", 5), "the name must be text"),
    ],
)
def test_rules_are_checked_at_creation(args, problem):
    with pytest.raises(ValueError, match=rf"^filter rule '{args[0]} .*: .*{problem}"):
        Rule(*args)
