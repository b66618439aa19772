"""The integration settings file: a YAML file a data engineer can read, review and trust.

Each integration connects one Entra tenant to one Oomnitza instance. Values are literal, or
`{env: NAME}` to read an environment variable at run time; secrets may only be given that way.
Mistakes are reported all at once, each with its line, the setting and how to fix it.
"""

import os
import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)

from intune_pipeline.errors import ConfigError
from intune_pipeline.settings_mappings import custom_mappings
from intune_pipeline.settings_sections import (
    GraphSettings,
    OomnitzaSettings,
    Role,
    RoleSettings,
    ScheduleSettings,
    UserSettings,
)
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
    Section,
    advice,
    where,
)
from intune_pipeline.users.filter_rules import graph_filter
from intune_pipeline.users.filter_specs import Rule, rules_from_settings
from intune_pipeline.users.mapping import STANDARD_MAPPINGS
from intune_pipeline.users.mapping_engine import with_custom
from intune_pipeline.users.mapping_specs import Mapping
from intune_pipeline.users.roles import RoleRule

DEFAULT_FILE = "integrations.yaml"
SETTINGS_VARIABLE = "INTUNE_PIPELINE_SETTINGS"


Mappings = Annotated[tuple[Mapping, ...], PlainValidator(custom_mappings)]
Rules = Annotated[tuple[Rule, ...], PlainValidator(rules_from_settings)]


class Integration(Section):
    """One tenant to one Oomnitza instance, with its own assets, job and history."""

    name: str
    """Names its assets (`name/graph_users_raw`, ...), its jobs `name_sync` and `name_dry_run`,
    its schedule and its runs' tag; lower-case letters, digits, `_`."""
    launched: bool = False
    """Oomnitza's launch switch: a launched integration whose mandatory settings are all there
    runs on its schedule; otherwise it is a Draft (it loads, can be dry-run, and a load
    refuses, listing what is missing)."""
    graph: GraphSettings
    """The Entra tenant and the app registration the pipeline signs in as."""
    users: UserSettings = UserSettings()
    """Which users are read."""
    schedule: ScheduleSettings = ScheduleSettings()
    """When the sync runs."""
    oomnitza: OomnitzaSettings
    """The Oomnitza instance written to."""
    mappings: Mappings = ()
    """Custom mappings, adding to or overriding the standard ones (see Mappings)."""
    filters: Rules = ()
    """Include/exclude rules on Graph or mapped fields (see Filters)."""
    sync_keys: list[Literal["email", "username", "intune_user_id"]] = ["email"]
    """Fields that match records in Oomnitza, from `email`, `username`, `intune_user_id`: the
    first matches and updates, the next ones find a record whose first key changed (a renamed
    user is updated, not duplicated)."""
    role: Role | None = None
    """The id of the Oomnitza role synced users get, or `{default: ..., rules: [...]}`; without a
    role the integration is a Draft."""
    preference: Literal["create_and_update", "create_only", "update_only"] = "create_and_update"
    """Oomnitza's "Create & Update", "Create only" or "Update only"."""
    record_types: Literal["user", "user_and_saas_user"] = "user"
    """"User only" (`user`) or "User plus SaaS user" (`user_and_saas_user`: synced users are also
    assigned to the SaaS application record)."""
    saas: SaasSettings = SaasSettings()
    """The SaaS application record of "User plus SaaS user"."""
    deactivation: DeactivationSettings = DeactivationSettings()
    """Whether users who leave Entra are suspended in Oomnitza (off by default)."""
    guards: GuardSettings = GuardSettings()
    """Safety thresholds; each blocks the load and says how to release it for one run."""
    contacts: ContactSettings = ContactSettings()
    """Who is told when the integration fails, overruns or misses a scheduled run, or a guard
    blocks it."""
    delta_sensor: DeltaSensorSettings = DeltaSensorSettings()
    """Near-real-time syncs through Graph delta queries."""
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 1000
    """Records per bulk request to Oomnitza."""
    concurrency: Annotated[int, Field(ge=1, le=16)] = 8
    """Bulk requests in flight at once."""

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
        if len(parts) > 1:
            return " and ".join(f"({part})" for part in parts)
        return parts[0] if parts else None

    def default_role(self) -> int | Env | None:
        return self.role.default if isinstance(self.role, RoleSettings) else self.role

    def role_rules(self) -> tuple[RoleRule, ...]:
        return self.role.rules if isinstance(self.role, RoleSettings) else ()

    def all_mappings(self) -> tuple[Mapping, ...]:
        """Oomnitza's standard mappings, with the custom ones added or overriding them."""
        return with_custom(STANDARD_MAPPINGS, self.mappings)

    @model_validator(mode="after")
    def no_leavers_from_a_partial_read(self):
        segmented = self.users.segmented_read is True
        if segmented and self.deactivation.enabled and self.deactivation.missing:
            raise ValueError(
                "users.segmented_read may miss a user renamed while a full read runs, and "
                "deactivation.missing would then suspend that user: set segmented_read to auto "
                "or false, or turn deactivation.missing off"
            )
        return self

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
    """The integrations: each connects one tenant to one Oomnitza instance."""
    alerts: AlertSettings = AlertSettings()
    """Shared by every integration: the mail server, the UI's address, the run-time limit."""

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
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from error
    try:
        return Settings.model_validate(data or {})
    except ValidationError as error:
        tree = yaml.compose(text)  # the nodes' lines, only needed to point at mistakes
        problems = [
            f"  {path}:{line_of(tree, e['loc'])}: {where(e['loc'])}: {advice(e)}"
            for e in error.errors()
        ]
    count = "A mistake" if len(problems) == 1 else f"{len(problems)} mistakes"
    raise ConfigError(f"{count} in the settings:\n" + "\n".join(problems))


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
