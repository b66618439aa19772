"""Filter rules applied to a frame of users, and the part of them Graph can apply first.

Includes narrow (every one must match) and any matching exclude drops the user, so the rules
Graph evaluates can be pushed into `$filter` alone: the rest still apply locally afterwards.
Rules are defined in filter_specs, whose notes give the matching semantics.
"""

import re

import numpy as np
import pandas as pd

from intune_pipeline.users.filter_specs import OOMNITZA, Rule, field_steps, rules_from_settings
from intune_pipeline.users.mapping_engine import walked
from intune_pipeline.users.mapping_specs import NAME
from intune_pipeline.users.rows import rows_where

__all__ = ["Rule", "apply_rules", "graph_clause", "graph_filter", "graph_properties"]
__all__ += ["rules_from_settings"]

# Per Graph's table of $filter support on user properties (learn.microsoft.com/graph/
# aad-advanced-queries), kept to what works without advanced query (or, for ne, not and
# endsWith, with it) and what the sandbox also takes. Properties with eq and in by default:
_EQUALS = """
    accountEnabled ageGroup city country creationType department displayName givenName jobTitle
    mail mailNickname onPremisesSecurityIdentifier state surname usageLocation userPrincipalName
    userType
"""
EQUALS = frozenset(_EQUALS.split())
BOOLEAN = frozenset({"accountEnabled"})
_STARTS_WITH = """
    city country displayName employeeId givenName mail mailNickname state surname usageLocation
    userPrincipalName
"""
STARTS_WITH = frozenset(_STARTS_WITH.split())
NEGATED_STARTS_WITH = frozenset({"city", "country", "displayName"})  # the table's NOT column
ENDS_WITH = frozenset({"mail", "userPrincipalName"})  # the only ones, advanced query only
MOST_IN_VALUES = 15  # Graph caps the terms of a filter (15 is the figure usually cited)


def literal(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "'" + value.replace("'", "''") + "'"


def typed(prop: str, value) -> bool:
    """Whether value is a literal Graph takes for prop, and parse_filter reads back."""
    if isinstance(value, bool):
        return prop in BOOLEAN
    return isinstance(value, str) and prop not in BOOLEAN


def graph_clause(rule: Rule) -> str | None:
    """The $filter clause that keeps what the rule keeps, or None when Graph cannot apply it."""
    prop, value, include = rule.field, rule.value, rule.action == "include"
    if not re.fullmatch(NAME, prop):
        return None  # nested paths, list items and oomnitza. fields stay local
    if rule.op == "equals" and prop in EQUALS and typed(prop, value):
        return f"{prop} {'eq' if include else 'ne'} {literal(value)}"
    if rule.op == "in" and prop in EQUALS and len(value) <= MOST_IN_VALUES:
        if not all(typed(prop, item) for item in value):
            return None
        if include:
            return f"{prop} in ({','.join(map(literal, value))})"
        return " and ".join(f"{prop} ne {literal(item)}" for item in value)
    negatable = include or prop in NEGATED_STARTS_WITH
    if rule.op == "starts_with" and prop in STARTS_WITH and typed(prop, value) and negatable:
        clause = f"startsWith({prop},{literal(value)})"
        return clause if include else f"not({clause})"
    if rule.op == "ends_with" and prop in ENDS_WITH and typed(prop, value) and include:
        return f"endsWith({prop},{literal(value)})"
    return None  # regex, is_empty (null filters need advanced query on every user property)


def graph_filter(rules) -> str | None:
    """The `$filter` text for the rules Graph can apply, joined with and; None if there are none."""
    clauses = [clause for clause in map(graph_clause, rules) if clause]
    return " and ".join(clauses) or None


def graph_properties(rules) -> set[str]:
    """The top-level Graph properties the rules read, for `$select`."""
    return {field_steps(r.field)[0] for r in rules if not r.field.startswith(OOMNITZA)}


def matches(rule: Rule, values: pd.Series) -> pd.Series:
    if rule.op == "is_empty":
        return values.isna()
    kinds = values.map(type)
    texts = values.where(kinds.eq(str), None)
    if rule.op == "regex":
        pattern = re.compile(rule.value, re.IGNORECASE)  # str.contains warns on groups
        return texts.map(lambda text: text is not None and pattern.search(text) is not None)
    lowered = texts.str.casefold()
    if rule.op in ("starts_with", "ends_with"):
        test = lowered.str.startswith if rule.op == "starts_with" else lowered.str.endswith
        return test(rule.value.casefold(), na=False)
    wanted = rule.value if rule.op == "in" else (rule.value,)
    hit = lowered.isin([item.casefold() for item in wanted if isinstance(item, str)])
    for item in (item for item in wanted if not isinstance(item, str)):
        kind = (bool,) if isinstance(item, bool) else (int, float)  # True is not 1 here
        hit |= kinds.isin(kind) & values.eq(item)
    return hit


def apply_rules(
    rules, frame: pd.DataFrame, graph_columns_prefix: str = ""
) -> tuple[pd.DataFrame, list[dict]]:
    """The users the rules keep, and how many users each rule removed.

    Rules run in order on the users still in play, so the counts add up to all removed. A Graph
    field reads column prefix + property (walking nested dicts); `oomnitza.email` reads the
    column of that name, as in graph.add_prefix(prefix).join(mapped.add_prefix("oomnitza.")).
    """
    rules = tuple(rules)
    reads = []
    for rule in rules:
        column, rest = field_steps(rule.field)
        local = rule.field.startswith(OOMNITZA)
        reads.append((column if local else graph_columns_prefix + column, rest))
    if absent := sorted({column for column, _ in reads} - set(frame.columns)):
        raise ValueError(
            f"the filter rules read {', '.join(absent)}, which the frame lacks; $select what "
            "graph_properties() names and join mapped fields as oomnitza.<field> columns"
        )
    in_play = np.ones(len(frame), dtype=bool)
    effects = []
    for rule, (column, rest) in zip(rules, reads, strict=True):
        hit = matches(rule, walked(frame[column], rest)).to_numpy(dtype=bool)
        removed = in_play & (~hit if rule.action == "include" else hit)
        in_play &= ~removed
        effects.append({"rule": rule.name, "removed": int(removed.sum())})
    return rows_where(frame, in_play), effects
