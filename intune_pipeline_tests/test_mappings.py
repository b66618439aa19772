"""Mapping specs: every source kind and transform, blanks as None, and clear spec errors."""

import math

import pandas as pd
import pytest

from intune_pipeline.users.mapping import STANDARD_MAPPINGS
from intune_pipeline.users.mapping_engine import evaluate, properties_needed
from intune_pipeline.users.mapping_specs import Constant, FirstOf, Mapping, Property, Template

ANN = {
    "mail": None, "otherMails": ["Ann@Fabrikam.com", "a2@fabrikam.com"], "age": 42,
    "userPrincipalName": "ann@contoso.com", "givenName": "Ann", "surname": "Lee",
    "jobTitle": "  ", "businessPhones": [],
    "extensions": {"extensionAttribute1": "Cost 42", "codes": [7, 8]},
}  # fmt: skip
ROBOT = {**ANN, "otherMails": [], "userPrincipalName": "robot", "givenName": math.nan}


def mapped(source, *transforms, user=ANN):
    frame = pd.DataFrame([user]).astype(object)
    return evaluate([Mapping("x", source, transforms)], frame)["x"].iloc[0]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (Property("givenName"), "Ann"),
        (Property("jobTitle"), None),
        (Property("extensions.extensionAttribute1"), "Cost 42"),
        (Property("extensions.missing"), None),
        (Property("givenName.first"), None),
        (Property("otherMails[1]"), "a2@fabrikam.com"),
        (Property("otherMails[2]"), None),
        (Property("extensions.codes[1]"), 8),
        (Property("surname[0]"), None),
        (Property("businessPhones"), None),
        (Property("age"), 42),
        (Constant("Contoso"), "Contoso"),
        (Constant(3), 3),
        (FirstOf([Property("mail"), Property("jobTitle"), Constant(1)]), 1),
        (FirstOf((Property("mail"), Property("businessPhones"))), None),
        (Template("{givenName} {surname}"), "Ann Lee"),
        (Template("{givenName} {jobTitle} {surname}"), "Ann Lee"),
        (Template("{surname}, {givenName}"), "Lee, Ann"),
        (Template("{surname}, {mail}"), "Lee"),
        (Template("{mail}, {givenName}"), "Ann"),
        (Template("Dr. {mail} {givenName}!"), "Dr. Ann!"),
        (Template("{mail} {jobTitle}"), None),
        (Template("{{{givenName}}} {extensions.codes}"), "{Ann} 7, 8"),
        (Template("{extensions.extensionAttribute1}/{otherMails[1]}"), "Cost 42/a2@fabrikam.com"),
    ],
)
def test_sources(source, expected):
    assert mapped(source) == expected


@pytest.mark.parametrize(
    ("source", "transforms", "expected"),
    [
        (Property("otherMails[0]"), ("lower",), "ann@fabrikam.com"),
        (Property("otherMails[0]"), ("upper",), "ANN@FABRIKAM.COM"),
        (Constant("ann-marie o'neil"), ("title",), "Ann-Marie O'Neil"),
        (Constant("  Ann  "), ("trim",), "Ann"),
        (Property("otherMails"), ("first", "lower"), "ann@fabrikam.com"),
        (Property("givenName"), ("first",), "Ann"),
        (Property("businessPhones"), ("first",), None),
        (Property("otherMails[1]"), ("if_address",), "a2@fabrikam.com"),
        (Constant(" a@b.com "), ("if_address",), "a@b.com"),
        (Property("userPrincipalName"), ("if_address", "upper"), "ANN@CONTOSO.COM"),
        (Property("givenName"), ("if_address",), None),
        (Property("age"), ("lower", "trim", "title"), 42),
    ],
)
def test_transforms_apply_in_order(source, transforms, expected):
    assert mapped(source, *transforms) == expected


def test_fallback_chain_for_email_and_missing_values_are_none():
    upn = Property("userPrincipalName", ("if_address",))
    chain = FirstOf((Property("mail"), Property("otherMails[0]"), upn))
    assert mapped(chain, "lower") == "ann@fabrikam.com"
    assert mapped(chain, user={**ANN, "otherMails": []}) == "ann@contoso.com"
    assert mapped(chain, user=ROBOT) is None
    frame = pd.DataFrame([ANN, ROBOT, {"givenName": None}])
    names = evaluate([Mapping("x", Template("{givenName}")), Mapping("y", Property("mail"))], frame)
    assert names["x"].tolist() == ["Ann", None, None]
    assert names.dtypes.tolist() == [object, object] and names["y"].tolist() == [None] * 3


def test_properties_needed_are_the_top_level_names():
    assert properties_needed(STANDARD_MAPPINGS) == {
        "userPrincipalName", "mail", "givenName", "surname", "displayName", "jobTitle",
        "officeLocation", "mobilePhone", "businessPhones", "id",
    }  # fmt: skip
    custom = [
        Mapping("a", FirstOf((Property("mail"), Property("otherMails[0]"), Constant("x")))),
        Mapping("b", Template("{extensions.codes[0]} {surname}")),
    ]
    assert properties_needed(custom) == {"mail", "otherMails", "extensions", "surname"}


@pytest.mark.parametrize(
    ("target", "source", "transforms", "message"),
    [
        ("email", Property("mail"), ["lowr"], "'email': unknown transform 'lowr'; allowed trans"),
        ("email", Property("mail", ("x",)), (), "mapping 'email': unknown transform 'x'"),
        ("email", Property("mail"), "lower", "transforms must be a list of names, such as"),
        ("phone", Property("businessPhones[x]"), (), "mapping 'phone': 'businessPhones[x]' is not"),
        ("phone", Property("a..b"), (), "join names with dots and index lists, such as"),
        ("Job Title", Property("jobTitle"), (), "target 'Job Title' is not an Oomnitza field name"),
        ("position", "jobTitle", (), "be a Property, Constant, Template or FirstOf, not 'jobTitle"),
        ("position", Constant("  "), (), "mapping 'position': the constant '  ' is blank or not"),
        ("position", Constant(math.inf), (), "the constant inf is blank or not finite"),
        ("position", Constant(True), (), "a constant must be text or a number, not True"),
        ("email", FirstOf(()), (), "mapping 'email': a fallback chain needs a list of one or more"),
        ("email", FirstOf((Property("mail"), Property("x y"))), (), "'x y' is not a Graph prop"),
        ("name", Template("{givenName"), (), "template '{givenName' is malformed (expected '}'"),
        ("name", Template("{givenName:>9}"), (), "formatting such as !r or :>9 is not supported"),
        ("name", Template("Ann"), (), "template 'Ann' has no {property}; use a Constant for fixed"),
        ("name", Template("{} {0}"), (), "'' is not a Graph property path"),
        ("name", Template("{a.b[c]}"), (), "'a.b[c]' is not a Graph property path"),
    ],
)
def test_spec_errors_name_the_mapping_and_the_fix(target, source, transforms, message):
    with pytest.raises(ValueError, match=r"^mapping") as error:
        Mapping(target, source, transforms)
    assert message in str(error.value)
    if "unknown transform" in message:
        assert str(error.value).endswith("first, if_address, lower, title, trim, upper")


def test_evaluation_errors():
    frame = pd.DataFrame([ANN])
    twice = [Mapping("x", Property("mail")), Mapping("x", Property("surname"))]
    with pytest.raises(ValueError, match="more than one mapping fills x; use with_custom"):
        evaluate(twice, frame)
    with pytest.raises(ValueError, match="the mappings read onPremisesSamAccountName, which"):
        evaluate([Mapping("x", Property("onPremisesSamAccountName"))], frame)
