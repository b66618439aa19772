"""The subset of OData $filter that Graph evaluates on users, parsed once and usable twice.

Full reads push the filter to Graph; delta reads cannot filter server-side, so the same filter
is evaluated here on each changed user, and the two agree.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from intune_pipeline.errors import ConfigError

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')"
    r"|(?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(?P<number>-?\d+(?:\.\d+)?)(?![\w-])"
    r"|(?P<name>[A-Za-z_][\w/]*)"
    r"|(?P<punct>[(),:]))"
)
COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
# Graph evaluates eq on these only with advanced query (Microsoft's per-property filter table).
ADVANCED_EQUALITY = {
    "officeLocation",
    "companyName",
    "mobilePhone",
    "postalCode",
    "streetAddress",
    "preferredLanguage",
}
KEYWORDS = {"true": True, "false": False, "null": None}
Test = Callable[[dict], bool]


@dataclass
class UserFilter:
    """A parsed filter: the text Graph gets, whether it needs advanced query, and a local test."""

    text: str
    advanced: bool
    matches: Test
    properties: frozenset[str]  # the user properties it reads, to be $selected


def parse_filter(text: str, setting: str = "the user filter") -> UserFilter:
    """The filter in text; setting names where the text came from, for the error if it is bad."""
    parser = Parser(text, setting)
    test = parser.expression()
    if parser.peek() is not None:
        parser.fail(f"unexpected {parser.peek()!r}")
    return UserFilter(text.strip(), parser.advanced, test, frozenset(parser.properties))


def lookup(item: dict, path: str):
    for part in path.split("/"):
        item = item.get(part) if isinstance(item, dict) else None
    return item


def same(value, literal) -> bool:
    if isinstance(value, str) and isinstance(literal, str):
        return value.casefold() == literal.casefold()  # directory strings compare case-blind
    return value == literal


def ordered(op: str, value, literal) -> bool:
    if value is None or literal is None or type(value) is not type(literal):
        return False
    return {"gt": value > literal, "ge": value >= literal, "lt": value < literal}.get(
        op, value <= literal
    )


class Parser:
    def __init__(self, text: str, setting: str):
        self.text, self.setting = text, setting
        self.tokens = []
        position = 0
        while text[position:].strip():
            match = TOKEN.match(text, position)
            if match is None:
                self.fail(f"{text[position:].strip()[:20]!r} is not part of a Graph filter")
            self.tokens.append(match.group().strip())
            position = match.end()
        self.position = 0
        self.advanced = False
        self.properties: set[str] = set()
        self.variables: set[str] = set()

    def property_path(self) -> str:
        path = self.take()
        if not re.fullmatch(r"[A-Za-z_][\w/]*", path):
            self.fail(f"expected a property name but found {path!r}")
        if path.split("/")[0] not in self.variables:
            self.properties.add(path.split("/")[0])
        return path

    def fail(self, problem: str):
        raise ConfigError(
            f"{self.setting} is not a filter Graph can evaluate ({problem}): {self.text!r}. "
            "Use clauses such as accountEnabled eq true, userType eq 'Member', "
            "startsWith(mail,'a'), department in ('Sales','IT'), joined with and/or."
        )

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected and token.lower() != expected.lower()):
            self.fail(f"expected {expected or 'more'} but found {token or 'the end'}")
        self.position += 1
        return token

    def expression(self) -> Test:
        return self.joined("or", self.conjunction, any)

    def conjunction(self) -> Test:
        return self.joined("and", self.unary, all)

    def joined(self, word: str, operand: Callable[[], Test], combine) -> Test:
        """Operands joined by word (or, and): true when combine (any, all) of them are."""
        tests = [operand()]
        while (self.peek() or "").lower() == word:
            self.take()
            tests.append(operand())
        return tests[0] if len(tests) == 1 else lambda user: combine(t(user) for t in tests)

    def unary(self) -> Test:
        token = (self.peek() or "").lower()
        if token == "not":
            self.take()
            self.advanced = True
            inner = self.unary()
            return lambda user: not inner(user)
        if token == "(":
            self.take()
            inner = self.expression()
            self.take(")")
            return inner
        if token in ("startswith", "endswith"):
            return self.function()
        return self.comparison()

    def function(self) -> Test:
        name = self.take().lower()
        self.advanced |= name == "endswith"
        self.take("(")
        path = self.property_path()
        self.take(",")
        literal = self.literal()
        self.take(")")
        if not isinstance(literal, str):
            self.fail(f"{name} needs a quoted text")
        prefix = literal.casefold()

        def test(user: dict) -> bool:
            value = lookup(user, path)
            if not isinstance(value, str):
                return False
            value = value.casefold()
            return value.startswith(prefix) if name == "startswith" else value.endswith(prefix)

        return test

    def comparison(self) -> Test:
        path = self.property_path()
        if path.lower().endswith("/any"):
            return self.any(path[: -len("/any")])
        op = self.take().lower()
        if op == "in":
            self.take("(")
            values = [self.literal()]
            while self.peek() == ",":
                self.take()
                values.append(self.literal())
            self.take(")")
            return lambda user: any(same(lookup(user, path), v) for v in values)
        if op not in COMPARISONS:
            self.fail(f"{op!r} is not a comparison Graph knows")
        literal = self.literal()
        # Conservative: asking for advanced query where Graph does not need it is harmless.
        self.advanced |= op == "ne" or literal is None or path in ADVANCED_EQUALITY
        if op == "eq":
            return lambda user: same(lookup(user, path), literal)
        if op == "ne":
            return lambda user: not same(lookup(user, path), literal)
        return lambda user: ordered(op, lookup(user, path), literal)

    def any(self, collection: str) -> Test:
        """`assignedPlans/any(p:p/servicePlanId eq ...)`: true when one item matches."""
        self.advanced = True
        self.take("(")
        variable = self.take()
        self.take(":")
        self.variables.add(variable)
        inner = self.expression()
        self.take(")")

        def test(user: dict) -> bool:
            # Inside the lambda, paths start with the variable: p/servicePlanId.
            items = lookup(user, collection) or []
            return any(inner({variable: item}) for item in items if isinstance(item, dict))

        return test

    def literal(self):
        token = self.take()
        if token.startswith("'"):
            return token[1:-1].replace("''", "'")
        if token.lower() in KEYWORDS:
            return KEYWORDS[token.lower()]
        if re.fullmatch(r"-?\d+(\.\d+)?", token):
            return float(token) if "." in token else int(token)
        if re.fullmatch(r"[0-9a-fA-F-]{36}", token):
            return token  # a GUID literal, as in servicePlanId eq c1ec4a95-...
        self.fail(f"{token!r} is not a value: quote text as 'text'")
