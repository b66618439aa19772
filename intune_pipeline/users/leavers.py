"""Leavers: users deleted or disabled in Entra, or no longer in the integration's scope.

A full read says who is there, so a managed Oomnitza record whose Graph user is missing has
left; a delta read says who went (Graph's @removed entries). Pure pandas, no I/O.
"""

import pandas as pd

REMOVED = "@removed"  # the raw frame's column for users a delta read says went, with why
READ_MODE = "read"  # the raw frame's attrs key: "full" or "delta"
GONE = "no longer returned by Graph (deleted in Entra, or out of the integration's scope)"
REASONS = {"deleted": "deleted in Entra", "changed": "deleted in Entra (restorable for 30 days)"}


def present(raw: pd.DataFrame) -> pd.DataFrame:
    """The raw users Graph returned, without the ones a delta read says went."""
    if REMOVED in raw:
        return raw[raw[REMOVED].isna()].drop(columns=[REMOVED])
    return raw


def find_leavers(
    raw: pd.DataFrame, held_ids: pd.Series, *, missing: bool = True, disabled: bool = True
) -> pd.DataFrame:
    """Leavers (graph_id, reason) among the raw read, given the Graph ids Oomnitza holds.

    missing covers users deleted or out of scope; disabled covers accountEnabled false.
    """
    found = []
    if missing and REMOVED in raw:
        went = raw[raw[REMOVED].notna()]
        found.append(
            pd.DataFrame({"graph_id": went["id"], "reason": went[REMOVED].map(reason_for)})
        )
    if missing and raw.attrs.get(READ_MODE) == "full":
        seen = set(present(raw)["id"].str.casefold()) if len(raw) else set()
        held = held_ids.dropna()
        gone = held[~held.str.casefold().isin(seen)]
        found.append(pd.DataFrame({"graph_id": gone.values, "reason": GONE}))
    if disabled and "accountEnabled" in raw:
        off = present(raw)
        off = off[off["accountEnabled"].eq(False)]
        found.append(pd.DataFrame({"graph_id": off["id"].values, "reason": "disabled in Entra"}))
    found = [part for part in found if len(part)]
    if not found:
        return pd.DataFrame(columns=["graph_id", "reason"])
    leavers = pd.concat(found, ignore_index=True)
    return leavers[~leavers["graph_id"].str.casefold().duplicated()].reset_index(drop=True)


def reason_for(removed: str) -> str:
    return REASONS.get(removed, removed)
