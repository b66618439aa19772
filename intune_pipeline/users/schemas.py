"""Pandera models: the single source of truth for the Graph user and Oomnitza user frames."""

import re

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from intune_pipeline.kinds import all_of
from intune_pipeline.users import checks  # also registers the text checks used below

GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
ADDRESS = r"[^@\s]+@[^@\s]+\.[^@\s]+"
UPN = r"[^@\s]+@[^@\s]+"
# Oomnitza names a custom field by an internal id of 10 hex characters, e.g. a41c0e7b19.
CUSTOM_FIELD_ID = r"[0-9a-f]{10}"


@checks.check_method()
def dtype_text(series: pd.Series) -> pd.Series:
    """Every value is text: an object column's dtype says nothing of what its values are.

    Named dtype_... so that a failure reads "<field> is not text".
    """
    values = series.to_numpy(dtype=object)
    if all_of(values, str):
        return checks.every(series)
    return checks.flags(series, [isinstance(v, str) for v in values])


@checks.check_method()
def field_uniqueness_of_text(series: pd.Series) -> pd.Series:
    """unique=True, except that a list or object value (not text) cannot crash it."""
    values = series.to_numpy(dtype=object)
    if not all_of(values, str):
        values = [v if isinstance(v, str) else repr(v) for v in values]
    return checks.flags(series, ~pd.Series(values).duplicated(keep=False).to_numpy())


def text(
    max_length: int,
    *,
    nullable: bool = True,
    pattern: str | None = None,
    unique: bool = False,
    **more,
):
    """A text column: text values, a length limit, no control characters, optionally a
    format; unique ones are shared by no two rows."""
    if pattern:
        more["text_format"] = pattern
    if unique:
        more["field_uniqueness_of_text"] = ()
    return pa.Field(nullable=nullable, dtype_text=(), text_length=max_length, printable=(), **more)


class GraphUser(pa.DataFrameModel):
    """A Graph user as read from /v1.0/users, with only the properties the mapping needs."""

    id: Series[str] = text(36, nullable=False, pattern=GUID, unique=True)
    userPrincipalName: Series[str] = text(1024, nullable=False, pattern=UPN)
    mail: Series[str] = text(320, pattern=ADDRESS)
    givenName: Series[str] = text(64)
    surname: Series[str] = text(64)
    displayName: Series[str] = text(256)
    jobTitle: Series[str] = text(128)
    officeLocation: Series[str] = text(128)
    mobilePhone: Series[str] = text(64)
    businessPhones: Series[object] = pa.Field(list_of_text=())

    class Config:
        # Custom mappings may read more properties; their values are checked once mapped.
        strict = False


class OomnitzaUser(pa.DataFrameModel):
    """An Oomnitza user record as the integration writes it, in Oomnitza's REST field names."""

    username: Series[str] = text(255, nullable=False)
    email: Series[str] = text(320, nullable=False, pattern=ADDRESS, unique=True, lower_case=())
    first_name: Series[str] = text(255)
    last_name: Series[str] = text(255)
    full_name: Series[str] = text(255)
    position: Series[str] = text(255)
    address: Series[str] = text(255)
    phone_number: Series[str] = text(64)
    intune_user_id: Series[str] = text(36, nullable=False, pattern=GUID, unique=True)
    role: Series[int] = pa.Field(ge=1)
    # Mapped custom fields, each a text column named by its internal id, as Oomnitza names it.
    custom_fields: Series[str] = text(
        255,
        alias=f"^{CUSTOM_FIELD_ID}$",
        regex=True,
        required=False,
        description="a custom field, named by its internal id",
    )

    class Config:
        strict = True
        ordered = True


GRAPH_USER_PROPERTIES = list(GraphUser.to_schema().columns)


def is_custom_field(name) -> bool:
    return isinstance(name, str) and re.fullmatch(CUSTOM_FIELD_ID, name) is not None


OOMNITZA_USER_FIELDS = [
    name for name, column in OomnitzaUser.to_schema().columns.items() if not column.regex
]
