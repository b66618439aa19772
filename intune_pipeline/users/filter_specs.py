"""Filter rules as plain data checked when created, and the settings file's form of them.

Every include rule must match (includes narrow), and any matching exclude rule drops the user.
Text compares case-blind, as Graph compares directory strings. `regex` is Python's `re.search`
with IGNORECASE: it matches anywhere in the value unless anchored with ^ and $. A missing or
blank value (None, NaN, blank text, empty list) matches `is_empty` and no other op.
"""

import math
import re
from dataclasses import dataclass

from intune_pipeline.users.mapping_specs import NAME, path_steps

ACTIONS = ("include", "exclude")
OPS = ("equals", "in", "starts_with", "ends_with", "regex", "is_empty")
OP_LIST = "equals, in, starts_with, ends_with, regex or is_empty"
OOMNITZA = "oomnitza."


def is_literal(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value))


def shown(value) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(map(shown, value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def field_steps(field: str) -> tuple[str, tuple]:
    """The column a field reads and the steps into its value: `a.b[0]` as ("a", ("b", 0))."""
    if isinstance(field, str) and field.startswith(OOMNITZA):
        if not re.fullmatch(NAME, field[len(OOMNITZA) :]):
            raise ValueError(f"{field!r} is not an Oomnitza field; write it as oomnitza.email")
        return field, ()
    name, *rest = path_steps(field)
    return name, tuple(rest)


def value_problem(op: str, value) -> str | None:
    if op == "is_empty":
        if value is None or value is True:
            return None
        return "is_empty takes no value (or true); for users with a value, use the other action"
    if op == "in":
        if not isinstance(value, tuple) or not value:
            return f"in needs a list of values, such as [Sales, Engineering], not {value!r}"
        bad = [item for item in value if not is_literal(item)]
        return f"in lists {bad[0]!r}; list text, numbers or true/false" if bad else None
    if op == "equals":
        if is_literal(value):
            return None
        return f"equals needs text, a number or true/false, not {value!r}; for none use is_empty"
    if not isinstance(value, str) or not value.strip():
        return f"{op} needs non-blank text, not {value!r}"
    if op == "regex":
        try:
            re.compile(value)
        except re.error as error:
            return f"invalid regex {value!r} ({error}); check its brackets and escapes"
    return None


@dataclass(frozen=True)
class Rule:
    """Include or exclude the users whose field passes op with value; see the module notes."""

    action: str
    field: str
    op: str
    value: object = None
    name: str = ""

    def __post_init__(self):
        if isinstance(self.value, list):
            object.__setattr__(self, "value", tuple(self.value))
        if problem := self.problem():
            raise ValueError(f"filter rule {self.described()!r}: {problem}")
        if not self.name:
            object.__setattr__(self, "name", self.described())

    def described(self) -> str:
        words = [self.action, self.field, str(self.op).replace("_", " ")]
        return " ".join(map(str, words if self.op == "is_empty" else [*words, shown(self.value)]))

    def problem(self) -> str | None:
        if self.action not in ACTIONS:
            return f"unknown action {self.action!r}; use include or exclude"
        if self.op not in OPS:
            return f"unknown op {self.op!r}; use {OP_LIST}"
        if not isinstance(self.name, str):
            return f"the name must be text, not {self.name!r}"
        try:
            field_steps(self.field)
        except ValueError as error:
            return str(error)
        return value_problem(self.op, self.value)


def rule_from_entry(entry) -> Rule:
    """`include: {field: userType, equals: Member}` as a Rule; an optional name: goes inside."""
    if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ACTIONS:
        raise ValueError(
            f"write a rule as include: {{...}} or exclude: {{...}}, not {entry!r}; for example "
            "include: {field: userType, equals: Member}"
        )
    ((action, body),) = entry.items()
    if not isinstance(body, dict) or "field" not in body:
        raise ValueError(
            f"{action} needs a field and an op, such as {{field: userType, equals: Member}}"
        )
    ops = [key for key in body if key not in ("field", "name")]
    if unknown := [op for op in ops if op not in OPS]:
        raise ValueError(f"unknown op {unknown[0]!r}; use {OP_LIST}")
    if len(ops) != 1:
        raise ValueError(f"give one op ({OP_LIST}), not {' and '.join(ops) or 'none'}")
    return Rule(action, body["field"], ops[0], body[ops[0]], body.get("name") or "")


def each_entry(entries, make, label: str, example: str) -> tuple:
    """make() applied to every entry of a settings list; every bad entry is named, not the first."""
    if not isinstance(entries, list):
        raise ValueError(f"{label} is a list, such as - {example}")
    made, problems = [], []
    for index, entry in enumerate(entries):
        try:
            made.append(make(entry))
        except (ValueError, TypeError) as error:
            problems.append(f"{label}[{index}]: {error}")
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(made)


def rules_from_settings(entries) -> tuple[Rule, ...]:
    """The settings' filters, all checked."""
    if entries is None:
        return ()
    return each_entry(entries, rule_from_entry, "filters", "include: {field: userType, ...}")
