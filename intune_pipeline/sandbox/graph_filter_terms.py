"""The words of $filter: tokens, literals, which properties take which operators, errors."""

import re
from collections.abc import Callable

from intune_pipeline.sandbox.graph_errors import GraphError

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')"
    r"|(?P<guid>[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})\b"
    r"|(?P<number>-?\d+)\b"
    r"|(?P<name>[A-Za-z_]\w*(?:/[A-Za-z_]\w*)*)"
    r"|(?P<punct>[(),:]))"
)
# Which user properties take which operators, from the per-property notes of Graph's user
# reference (ge and le, which some also take, are not emulated).
BOOLEAN = frozenset({"accountEnabled"})
_STARTS_WITH = """
    displayName givenName surname mail userPrincipalName jobTitle employeeId companyName
    officeLocation mobilePhone preferredLanguage mailNickname city country state postalCode
    usageLocation onPremisesSamAccountName employeeType streetAddress faxNumber
"""
STARTS_WITH = frozenset(_STARTS_WITH.split())
_EQUALS_ONLY = """
    id userType department creationType ageGroup externalUserState onPremisesImmutableId
    onPremisesSecurityIdentifier preferredDataLocation legalAgeGroupClassification
"""
EQUALS_ONLY = frozenset(_EQUALS_ONLY.split())
FILTERABLE = BOOLEAN | STARTS_WITH | EQUALS_ONLY
ENDS_WITH = frozenset({"mail", "userPrincipalName"})  # endsWith: advanced query only
# assignedPlans/any(p: ...) compares these fields of each plan.
PLAN_FIELDS = {"serviceplanid": "servicePlanId", "capabilitystatus": "capabilityStatus",
               "service": "service"}  # fmt: skip
FUNCTIONS = ("startswith", "endswith")
EDM = {bool: "Edm.Boolean", str: "Edm.String", int: "Edm.Int32", type(None): "Edm.Null"}

Keep = Callable[[dict], bool]


class Guid(str):
    """An unquoted GUID literal, which Graph keeps apart from a string."""


def unsupported(prop: str) -> GraphError:
    text = f"Unsupported or invalid query filter clause specified for property '{prop}' of "
    return GraphError(400, "Request_UnsupportedQuery", text + "resource 'User'.")


def invalid(detail: str) -> GraphError:
    return GraphError(400, "BadRequest", f"Invalid filter clause: {detail}")


def no_property(name: str, type_name: str) -> GraphError:
    return invalid(
        f"Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'."
    )


def syntax_error(position: int, text: str) -> GraphError:
    return invalid(f"Syntax error at position {position} in '{text}'.")


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, end position) of each token, or Graph's syntax error."""
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = TOKEN.match(text, position)
        if match is None:
            raise syntax_error(position, text)
        tokens.append((match.lastgroup, match.group(match.lastgroup), match.end()))
        position = match.end()
    if not tokens:
        raise syntax_error(0, text)
    return tokens


def incompatible(need: str, have: str, op: str) -> GraphError:
    return invalid(
        "A binary operator with incompatible types was detected. Found operand types "
        f"'{need}' and '{have}' for operator kind '{op}'."
    )


NOT_A_LITERAL = object()
WORDS = {"true": True, "false": False, "null": None}


def literal(kind: str | None, text: str):
    """The value of a literal token, or NOT_A_LITERAL."""
    if kind == "string":
        return text[1:-1].replace("''", "'")
    if kind == "guid":
        return Guid(text.lower())
    if kind == "number":
        return int(text)
    if kind == "name" and text.lower() in WORDS:
        return WORDS[text.lower()]
    return NOT_A_LITERAL


def lower(value):
    return value.lower() if type(value) is str else value


def equals(prop: str, literal) -> Keep:
    if literal is None or type(literal) is bool:
        return lambda item: item.get(prop) is literal
    low = literal.lower()  # directory string comparisons ignore case (inferred)
    return lambda item: lower(item.get(prop)) == low


def either(parts: list[Keep]) -> Keep:
    """parts joined with or; nested lambdas, which beat any() over a generator."""
    keep = parts[0]
    for part in parts[1:]:
        keep = (lambda a, b: lambda item: a(item) or b(item))(keep, part)
    return keep


def both(parts: list[Keep]) -> Keep:
    """parts joined with and."""
    keep = parts[0]
    for part in parts[1:]:
        keep = (lambda a, b: lambda item: a(item) and b(item))(keep, part)
    return keep


def any_of(prop: str, inner: Keep) -> Keep:
    """prop/any(x: inner): some item of the collection prop passes inner."""
    memo: dict[int, tuple] = {}  # users share plan lists: each list is tested once

    def keep(item: dict) -> bool:
        items = item.get(prop) or ()
        hit = memo.get(id(items))
        if hit is None or hit[0] is not items:
            hit = memo[id(items)] = (items, any(inner(each) for each in items))
        return hit[1]

    return keep
