"""Which Oomnitza role each user gets: the first role rule that matches, else the default.

role:
  default: 25
  rules:
    - {field: department, equals: Engineering, role: 30}
    - {group: 0b1d2c3e-..., role: 31}       # members of an Entra group, nested ones too
"""

from dataclasses import dataclass

import pandas as pd

from intune_pipeline.users.filter_rules import apply_rules
from intune_pipeline.users.filter_specs import Rule, each_entry, rule_from_entry

GROUPS_COLUMN = "roleGroups"  # made by the pipeline: the role groups a user belongs to


@dataclass(frozen=True)
class RoleRule:
    """Users matching condition (a rule on a Graph property), or in group, get role."""

    role: int
    condition: Rule | None = None
    group: str | None = None


def role_rules_from_settings(entries) -> tuple[RoleRule, ...]:
    """The settings' role rules, all checked."""
    return each_entry(entries, role_rule, "rules", "{field: department, equals: IT, role: 30}")


def role_rule(entry) -> RoleRule:
    if not isinstance(entry, dict) or not isinstance(entry.get("role"), int) or entry["role"] < 1:
        raise ValueError("each role rule needs role: the id (a whole number) of an Oomnitza role")
    condition = {key: value for key, value in entry.items() if key != "role"}
    if set(condition) == {"group"} and isinstance(condition["group"], str):
        return RoleRule(entry["role"], group=condition["group"].strip())
    if "group" in condition:
        raise ValueError("a group rule is {group: <Object ID of the Entra group>, role: <id>}")
    return RoleRule(entry["role"], condition=rule_from_entry({"include": condition}))


def groups_of(rules) -> list[str]:
    return [rule.group for rule in rules if rule.group]


def roles_for(graph_users: pd.DataFrame, rules, default: int | None) -> pd.Series:
    """Each user's role id, or None where no rule matches and there is no default."""
    roles = pd.Series(default, index=graph_users.index, dtype=object)
    decided = pd.Series(False, index=graph_users.index)
    for rule in rules:
        if rule.group:
            hit = graph_users[GROUPS_COLUMN].map(lambda groups, g=rule.group: g in (groups or ()))
        else:
            kept, _ = apply_rules([rule.condition], graph_users)
            hit = pd.Series(graph_users.index.isin(kept.index), index=graph_users.index)
        newly = hit & ~decided
        roles[newly] = rule.role
        decided |= hit
    return roles.where(roles.notna(), None)
