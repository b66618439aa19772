"""Oomnitza's standard mappings for the Microsoft Intune user integration."""

import pandas as pd

from intune_pipeline.users.schemas import OomnitzaUser
from intune_pipeline.users.validation import split_valid

SKIP_COLUMNS = ["id", "userPrincipalName", "reason"]
SYNC_KEY = "email"  # Oomnitza's default sync key for users


def first_phone(phones) -> str | None:
    return phones[0] if isinstance(phones, list) and phones else None


def map_users(
    graph_users: pd.DataFrame, role: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Map valid Graph users to Oomnitza users.

    Returns the Oomnitza users, the rejections (mapped values Oomnitza would not take) and the
    skipped users (no usable sync-key value), each row naming its Graph user.
    """
    mapped = pd.DataFrame(
        {
            "username": graph_users["userPrincipalName"],
            "email": graph_users["mail"].str.lower(),
            "first_name": graph_users["givenName"],
            "last_name": graph_users["surname"],
            "full_name": graph_users["displayName"],
            "position": graph_users["jobTitle"],
            "address": graph_users["officeLocation"],
            "phone_number": graph_users["mobilePhone"].fillna(
                graph_users["businessPhones"].map(first_phone)
            ),
            "intune_user_id": graph_users["id"],
            "role": role,
        }
    ).astype(object)
    mapped["role"] = mapped["role"].astype("int64")
    mapped = mapped.where(mapped.notna(), None)
    who = graph_users[["id", "userPrincipalName"]]

    no_key = mapped[SYNC_KEY].isna()
    skipped = [who[no_key].assign(reason="no mail address, and Email is the sync key")]

    keyed = mapped[~no_key]
    shared = keyed[SYNC_KEY].duplicated(keep=False)
    if shared.any():
        owners = who.loc[keyed.index[shared]].assign(key=keyed.loc[shared, SYNC_KEY])
        names = owners.groupby("key")["userPrincipalName"].agg(", ".join)
        skipped.append(
            owners.assign(
                reason=owners["key"].map(
                    lambda key: (
                        f"e-mail address {key} is shared by {names[key]}; "
                        "none of them is loaded until the address is unique"
                    )
                )
            )[SKIP_COLUMNS]
        )
    users, rejections = split_valid(keyed[~shared], OomnitzaUser, who)
    skipped = pd.concat(skipped, ignore_index=True)[SKIP_COLUMNS]
    return users.reset_index(drop=True), rejections, skipped
