"""The sections of an integration's settings: Graph, users, Oomnitza, role and schedule."""

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dagster._utils.schedules import is_valid_cron_string
from pydantic import (
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from intune_pipeline.errors import ConfigError
from intune_pipeline.settings_values import (
    Env,
    RoleId,
    Secret,
    Section,
    Text,
    advice,
    where,
    whole_number_or_env,
)
from intune_pipeline.users.roles import RoleRule, role_rules_from_settings

RoleRules = Annotated[tuple[RoleRule, ...], PlainValidator(role_rules_from_settings)]


class GraphSettings(Section):
    cloud: Literal["global", "usgov", "usgov-dod", "china"] = "global"
    """The national cloud: sets the login host, the Graph host and the token scope together."""
    login_url: Text | None = None
    """The Entra login host instead of the cloud's."""
    graph_url: Text | None = None
    """The Graph host instead of the cloud's (Oomnitza's "Domain")."""
    tenant_id: Text
    """The app registration's Directory (tenant) ID."""
    client_id: Text
    """The app registration's Application (client) ID."""
    client_secret: Secret | None = None
    """The client secret's Value (`{env: NAME}` only); or use a certificate."""
    certificate: Text | None = None
    """A PEM file of a certificate uploaded to the app registration; used in preference to a
    secret."""
    private_key: Text | None = None
    """The PEM file of the certificate's private key."""
    ca_bundle: Text | None = None
    """Extra CAs to trust (a TLS-inspecting proxy); verification is always on."""

    @model_validator(mode="after")
    def one_credential(self):
        if not (self.client_secret or self.certificate):
            raise ValueError(
                "give client_secret: {env: NAME}, or certificate and private_key (PEM paths)"
            )
        if bool(self.certificate) != bool(self.private_key):
            raise ValueError("certificate sign-in needs both certificate and private_key")
        return self


class UserSettings(Section):
    scope: Literal["all", "intune", "group"] = "all"
    """`all` directory users, `intune` users (who own at least one managed device) or the members
    of a `group` (nested groups count)."""
    group_id: Text | None = Field(None, validate_default=True)
    """The group's Object ID, with `scope: group`."""
    filter: str | None = None
    """An OData `$filter` Graph evaluates on full reads and the pipeline on delta reads; advanced
    clauses (`ne`, `not`, `endsWith`, `assignedPlans/any(...)`) are sent with
    `ConsistencyLevel: eventual`."""
    segmented_read: bool | Literal["auto"] = "auto"
    """Read a large tenant's full listing in 45 concurrent segments (by the first character of
    the user principal name, and the rest), 16 at a time: about 4 times faster when each page
    takes 150 ms. `auto` does so when Graph's answer before the listing (the delta link) took
    50 ms or more and Graph counts more than 3 pages of users (the segments' own rounds of
    pages), unless `deactivation.missing` is on: a user renamed to another initial while the
    segments are read can be missing from that read (the next run brings them), and would then
    be suspended. `true` does so however fast the pages are, and is refused beside
    `deactivation.missing`."""

    @field_validator("group_id")
    @classmethod
    def group_needs_an_id(cls, value, info: ValidationInfo):
        if info.data.get("scope") == "group" and not value:
            raise ValueError("scope group needs group_id, the Object ID of the Entra group")
        return value

    @field_validator("filter")
    @classmethod
    def graph_can_evaluate(cls, value):
        if value:
            from intune_pipeline.graph.odata_filter import parse_filter

            try:
                parse_filter(value, "filter")
            except ConfigError as error:
                raise ValueError(str(error)) from None
        return value


class OomnitzaSettings(Section):
    url: Text
    """The Oomnitza instance, such as https://example.oomnitza.com."""
    api_token: Secret
    """An Oomnitza API token (`{env: NAME}` only) of a user whose role may edit People."""
    ca_bundle: Text | None = None
    """Extra CAs to trust for Oomnitza; verification is always on."""
    intune_user_id_field: Text
    """The internal id of the unique custom field "Microsoft Intune User ID"."""


class RoleSettings(Section):
    """Rules that choose a user's role, first match wins, and the role of everyone else."""

    default: RoleId | None = None
    """The role of users no rule places."""
    rules: RoleRules = ()
    """Rules, first match wins: `{role: 30, when: {field: department, equals: IT}}` or `{role:
    30, group: <group id>}` (see Roles)."""


def role_setting(value):
    """A role id (or {env: NAME}), or {default: ..., rules: [...]}: one clear error either way."""
    if isinstance(value, dict) and set(value) <= {"default", "rules"} and value:
        try:
            return RoleSettings.model_validate(value)
        except ValidationError as error:
            raise ValueError(
                "; ".join(f"{where(e['loc'])}: {advice(e)}" for e in error.errors())
            ) from None
    return whole_number_or_env(value)


Role = Annotated[int | Env | RoleSettings, PlainValidator(role_setting)]


class ScheduleSettings(Section):
    """When the sync runs: once a day at a quiet hour unless told otherwise."""

    cron: str = "0 3 * * *"
    """When the sync runs: five cron fields, minute hour day month weekday."""
    timezone: str = "UTC"
    """The time zone the cron expression is read in, such as Europe/Oslo."""

    @field_validator("cron")
    @classmethod
    def standard_cron(cls, value: str) -> str:
        if not is_valid_cron_string(value):
            raise ValueError(
                f"{value!r} is not a cron expression: give five fields, minute hour day month "
                "weekday, such as '0 3 * * *' for every day at 03:00"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone name; use one such as UTC or Europe/Oslo"
            ) from None
        return value
