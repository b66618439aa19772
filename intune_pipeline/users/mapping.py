"""Oomnitza's standard mappings for the Microsoft Intune user integration, and applying them."""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from intune_pipeline.users.mapping_engine import evaluate
from intune_pipeline.users.mapping_specs import FirstOf, Mapping, Property
from intune_pipeline.users.rows import renumbered, rows_where
from intune_pipeline.users.schemas import (
    OOMNITZA_USER_FIELDS,
    GraphUser,
    OomnitzaUser,
    is_custom_field,
)
from intune_pipeline.users.validation import shorten, split_valid

SKIP_COLUMNS = ["id", "userPrincipalName", "reason"]
SYNC_KEY = "email"  # Oomnitza's default sync key for users
# Fields that hold one value per user in Oomnitza, so they can match records; with labels.
SYNC_KEY_FIELDS = {"email": "Email", "username": "Username", "intune_user_id": "Intune User ID"}
MAPPED_FIELDS = [name for name in OOMNITZA_USER_FIELDS if name != "role"]
REQUIRED_FIELDS = [
    name
    for name, column in OomnitzaUser.to_schema().columns.items()
    if name in MAPPED_FIELDS and not column.nullable
]

STANDARD_MAPPINGS = (
    Mapping("username", Property("userPrincipalName")),
    Mapping("email", Property("mail"), ("trim", "lower")),
    Mapping("first_name", Property("givenName")),
    Mapping("last_name", Property("surname")),
    Mapping("full_name", Property("displayName")),
    Mapping("position", Property("jobTitle")),
    Mapping("address", Property("officeLocation")),
    Mapping("phone_number", FirstOf((Property("mobilePhone"), Property("businessPhones[0]")))),
    Mapping("intune_user_id", Property("id")),
)


def check_targets(mappings: Sequence[Mapping]) -> None:
    targets = {mapping.target for mapping in mappings}
    if unknown := sorted(t for t in targets - set(MAPPED_FIELDS) if not is_custom_field(t)):
        raise ValueError(
            f"the mappings fill {', '.join(unknown)}, which is neither a field of the Oomnitza "
            f"user model ({', '.join(MAPPED_FIELDS)}; the role is chosen separately) nor a "
            "custom field's internal id (10 lower-case hex characters, such as a41c0e7b19; "
            "make suggest-mappings lists them)"
        )
    if unmapped := [name for name in REQUIRED_FIELDS if name not in targets]:
        raise ValueError(
            f"the mappings leave {', '.join(unmapped)} unmapped; each is required for every user"
        )


def copied_checks(mappings: Sequence[Mapping]) -> dict[str, set[str]]:
    """By Oomnitza field, the checks its values have passed as Graph users already.

    The users mapped are valid Graph users (validate_graph_users), so a field that copies a
    GraphUser property unchanged holds values that passed that property's checks: a check of
    the same kind with the same bounds, or a looser length, cannot fail on them (uniqueness
    among all Graph users holds among those mapped). Not asking again spares re-checking seven
    of the ten standard fields, about 0.17 s at 100,000 users.
    """
    graph, oomnitza = GraphUser.to_schema().columns, OomnitzaUser.to_schema().columns
    passed = {}
    for mapping in mappings:
        source = mapping.source
        copied = isinstance(source, Property) and not source.transforms and not mapping.transforms
        if not (copied and source.path in graph and mapping.target in oomnitza):
            continue
        had = {check.name: check.statistics for check in graph[source.path].checks}
        passed[mapping.target] = {
            check.name
            for check in oomnitza[mapping.target].checks
            if check.name in had and looser(check.name, had[check.name], check.statistics)
        }
    return passed


def looser(name: str, source: dict, target: dict) -> bool:
    """Whether a check of name with the target's statistics passes whatever passed the source's."""
    if name == "text_length":
        return source["max_length"] <= target["max_length"]
    return source == target


def map_users(
    graph_users: pd.DataFrame,
    role: int | pd.Series | None,
    mappings: Sequence[Mapping] = STANDARD_MAPPINGS,
    sync_key: str = SYNC_KEY,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Map valid Graph users to Oomnitza users with the mappings (by default the standard ones).

    Returns the Oomnitza users, the rejections (mapped values Oomnitza would not take) and the
    skipped users (no value for the sync key, or one shared with others), each row naming its
    Graph user. sync_key is the first sync key, the one Oomnitza matches records on. role is
    one role id for all, or each user's (see roles.roles_for); users without one are skipped.
    """
    label = SYNC_KEY_FIELDS[sync_key]
    check_targets(mappings)
    custom = [mapping.target for mapping in mappings if is_custom_field(mapping.target)]
    evaluated = evaluate(mappings, graph_users)
    mapped = evaluated.reindex(columns=[*MAPPED_FIELDS, *custom])
    for field in mapped.columns.difference(evaluated.columns):  # filled by no mapping
        mapped[field] = np.full(len(mapped), None, dtype=object)
    roles = role if isinstance(role, pd.Series) else pd.Series(role, index=mapped.index)
    no_role = roles.isna()
    # The model's order: its fields, the role, then the custom fields.
    mapped.insert(len(MAPPED_FIELDS), "role", roles.where(~no_role, 0).astype("int64"))
    who = graph_users[["id", "userPrincipalName"]]

    no_key = mapped[sync_key].isna()
    skipped = [
        who[no_key].assign(reason=f"no value for {label}, the sync key"),
        who[no_role & ~no_key].assign(
            reason="no role: no role rule matches and there is no default"
        ),
    ]

    keyed = rows_where(mapped, ~no_key & ~no_role)
    # Case-blind, as Oomnitza matches addresses and user names.
    folded = keyed[sync_key].str.casefold()
    shared = folded.duplicated(keep=False)
    if shared.any():
        owners = who.loc[keyed.index[shared]].assign(key=folded[shared])
        names = owners.groupby("key")["userPrincipalName"].agg(", ".join)
        skipped.append(
            owners.assign(
                reason=owners["key"].map(
                    lambda key: (
                        f"{label} {shorten(key)} is shared by {shorten(names[key], 200)}; "
                        "none of them is loaded until it is unique"
                    )
                )
            )[SKIP_COLUMNS]
        )
    users, rejections = split_valid(
        rows_where(keyed, ~shared), OomnitzaUser, who, copied_checks(mappings)
    )
    skipped = pd.concat(skipped, ignore_index=True)[SKIP_COLUMNS]
    return renumbered(users), rejections, skipped
