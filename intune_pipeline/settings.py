"""The integration settings file: a YAML file a data engineer can read, review and trust.

Each integration connects one Entra tenant to one Oomnitza instance. Values are literal, or
`{env: NAME}` to read an environment variable at run time; secrets may only be given that way.
Mistakes are reported all at once, each with its line, the setting and how to fix it.
"""

import os
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
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
from intune_pipeline.settings_mappings import custom_mappings
from intune_pipeline.settings_sync import (
    AlertSettings,
    ContactSettings,
    DeactivationSettings,
    DeltaSensorSettings,
    GuardSettings,
    SaasSettings,
)
from intune_pipeline.settings_values import (
    Env,
    RoleId,
    Secret,
    Section,
    Text,
    whole_number_or_env,
)
from intune_pipeline.users.filter_rules import graph_filter
from intune_pipeline.users.filter_specs import Rule, rules_from_settings
from intune_pipeline.users.mapping import STANDARD_MAPPINGS
from intune_pipeline.users.mapping_engine import with_custom
from intune_pipeline.users.mapping_specs import Mapping
from intune_pipeline.users.roles import RoleRule, role_rules_from_settings

DEFAULT_FILE = "integrations.yaml"
SETTINGS_VARIABLE = "INTUNE_PIPELINE_SETTINGS"


Mappings = Annotated[tuple[Mapping, ...], PlainValidator(custom_mappings)]
Rules = Annotated[tuple[Rule, ...], PlainValidator(rules_from_settings)]
RoleRules = Annotated[tuple[RoleRule, ...], PlainValidator(role_rules_from_settings)]


class GraphSettings(Section):
    cloud: Literal["global", "usgov", "usgov-dod", "china"] = "global"
    login_url: Text | None = None
    graph_url: Text | None = None
    tenant_id: Text
    client_id: Text
    client_secret: Secret | None = None
    certificate: Text | None = None
    private_key: Text | None = None
    ca_bundle: Text | None = None

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
    group_id: Text | None = Field(None, validate_default=True)
    filter: str | None = None

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
    api_token: Secret
    ca_bundle: Text | None = None
    intune_user_id_field: Text


class RoleSettings(Section):
    """Rules that choose a user's role, first match wins, and the role of everyone else."""

    default: RoleId | None = None
    rules: RoleRules = ()


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
    timezone: str = "UTC"

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


class Integration(Section):
    """One tenant to one Oomnitza instance, with its own assets, job and history."""

    name: str
    launched: bool = False
    graph: GraphSettings
    users: UserSettings = UserSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    oomnitza: OomnitzaSettings
    mappings: Mappings = ()
    filters: Rules = ()
    sync_keys: list[Literal["email", "username", "intune_user_id"]] = ["email"]
    role: Role | None = None
    preference: Literal["create_and_update", "create_only", "update_only"] = "create_and_update"
    record_types: Literal["user", "user_and_saas_user"] = "user"
    saas: SaasSettings = SaasSettings()
    deactivation: DeactivationSettings = DeactivationSettings()
    guards: GuardSettings = GuardSettings()
    contacts: ContactSettings = ContactSettings()
    delta_sensor: DeltaSensorSettings = DeltaSensorSettings()
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 500
    concurrency: Annotated[int, Field(ge=1, le=16)] = 4

    @field_validator("name")
    @classmethod
    def usable_in_asset_keys(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value):
            raise ValueError(
                f"{value!r} will not do: it names the integration's assets and jobs, so use "
                "lower-case letters, digits and _ (up to 40, starting with a letter), e.g. contoso"
            )
        return value

    def graph_filter(self) -> str | None:
        """users.filter and the filter rules Graph can evaluate, as one $filter."""
        parts = [part for part in (self.users.filter, graph_filter(self.filters)) if part]
        return (
            " and ".join(f"({part})" for part in parts)
            if len(parts) > 1
            else next(iter(parts), None)
        )

    def default_role(self) -> int | Env | None:
        return self.role.default if isinstance(self.role, RoleSettings) else self.role

    def role_rules(self) -> tuple[RoleRule, ...]:
        return self.role.rules if isinstance(self.role, RoleSettings) else ()

    def all_mappings(self) -> tuple[Mapping, ...]:
        """Oomnitza's standard mappings, with the custom ones added or overriding them."""
        return with_custom(STANDARD_MAPPINGS, self.mappings)

    @field_validator("sync_keys")
    @classmethod
    def each_key_once(cls, keys: list[str]) -> list[str]:
        if len(set(keys)) != len(keys):
            raise ValueError("name each sync key once; the first matches, the next find renames")
        return keys

    def missing(self) -> list[str]:
        """What keeps the integration in Draft, in Oomnitza's words."""
        missing = []
        rules = isinstance(self.role, RoleSettings)
        if self.role is None or (rules and self.role.default is None and not self.role.rules):
            missing.append("a Role (role: the id of an Oomnitza role, or rules with a default)")
        if not self.sync_keys:
            missing.append("a sync key on a unique field (sync_keys: [email])")
        return missing

    @property
    def status(self) -> str:
        return "launched" if self.launched and not self.missing() else "draft"


class Settings(Section):
    integrations: list[Integration] = Field(min_length=1)
    alerts: AlertSettings = AlertSettings()

    @field_validator("integrations")
    @classmethod
    def unique_names(cls, integrations):
        names = [integration.name for integration in integrations]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"integration names must differ; used twice: {', '.join(twice)}")
        return integrations

    @model_validator(mode="after")
    def mail_needs_a_server(self):
        if self.alerts.smtp is None and any(i.contacts.emails for i in self.integrations):
            raise ValueError(
                "contacts.emails are given but alerts.smtp is not: add alerts: {smtp: {host: ..., "
                "sender: ...}} so the alert e-mails have a server to go through"
            )
        return self


def settings_path(project: Path | None = None) -> Path:
    named = os.environ.get(SETTINGS_VARIABLE)
    return Path(named) if named else (project or Path.cwd()) / DEFAULT_FILE


def load_settings(path: Path) -> Settings:
    """The settings in a file, or one ConfigError listing every mistake with its line."""
    try:
        text = path.read_text()
    except OSError as error:
        raise ConfigError(
            f"Cannot read the settings file {path} ({error.strerror}). Create it from "
            f"{DEFAULT_FILE} in the project, or point {SETTINGS_VARIABLE} at it."
        ) from error
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from error
    try:
        return Settings.model_validate(data or {})
    except ValidationError as error:
        problems = [
            f"  {path}:{line_of(tree, e['loc'])}: {where(e['loc'])}: {advice(e)}"
            for e in error.errors()
        ]
    count = "A mistake" if len(problems) == 1 else f"{len(problems)} mistakes"
    raise ConfigError(f"{count} in the settings:\n" + "\n".join(problems))


def where(loc: tuple) -> str:
    """integrations[0].graph.tenant_id, as a person would point at it."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def advice(error: dict) -> str:
    if error["type"] == "missing":
        return "is required but missing"
    if error["type"] == "extra_forbidden":
        return "is not a setting; check its spelling and indentation"
    return error["msg"].removeprefix("Value error, ")


def line_of(tree, loc: tuple) -> int:
    node = tree
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == part), None)
            if found is None:
                break
            node = found
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
    return (node.start_mark.line + 1) if node is not None else 1
