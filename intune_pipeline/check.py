"""`check`: try each integration's credentials and permissions, and say exactly what is missing.

Every probe reads (or test-runs) one small thing; nothing is written to Oomnitza.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

from intune_pipeline.defs.graph.resources import graph_resource
from intune_pipeline.defs.oomnitza.resources import oomnitza_resources
from intune_pipeline.errors import PipelineError
from intune_pipeline.oomnitza import rehearse
from intune_pipeline.oomnitza.metadata import user_fields
from intune_pipeline.settings import Integration

PROBE_ADDRESS = "intune-pipeline-check@example.invalid"  # a test-run record's sync key
MANAGED_DEVICES = "/deviceManagement/managedDevices"


@dataclass
class Finding:
    what: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        return f"  {mark} {self.what}" + (f": {self.detail}" if self.detail else "")


def probe(what: str, attempt: Callable[[], str]) -> Finding:
    try:
        return Finding(what, True, attempt() or "")
    except PipelineError as error:
        return Finding(what, False, str(error))


def graph_findings(integration: Integration) -> Iterator[Finding]:
    resource = graph_resource(integration)
    with ExitStack() as stack:
        try:
            client = stack.enter_context(resource.client())
        except PipelineError as error:
            yield Finding("Graph settings", False, str(error))
            return
        users = probe(
            "Entra sign-in, and Graph users (User.Read.All)",
            lambda: first(client.users(["id"], page_size=1)),
        )
        yield users
        scope = resource.scope()
        if users.ok and scope.kind == "intune":
            yield probe(
                "Graph: Intune managed devices (DeviceManagementManagedDevices.Read.All and an "
                "Intune licence)",
                lambda: first([client.first_page(MANAGED_DEVICES, {"$top": "1", "$select": "id"})]),
            )
        if users.ok and scope.kind == "group":
            members = f"/groups/{scope.group_id}/transitiveMembers"
            yield probe(
                f"Graph: members of group {scope.group_id} (GroupMember.Read.All)",
                lambda: first([client.first_page(members, {"$top": "1"})]),
            )


def oomnitza_findings(integration: Integration) -> Iterator[Finding]:
    resources = oomnitza_resources(integration)
    settings = resources["integration"]
    with ExitStack() as stack:
        try:
            client = stack.enter_context(resources["oomnitza"].client())
        except PipelineError as error:
            yield Finding("Oomnitza settings", False, str(error))
            return
        token = probe("Oomnitza: API token", lambda: first([client.get("/users", {"limit": 1})]))
        yield token
        if not token.ok:
            return
        yield probe(
            "Oomnitza: Microsoft Intune User ID field", lambda: intune_field(client, settings)
        )
        yield probe("Oomnitza: role", lambda: role_known(client, settings))
        if integration.record_types == "user_and_saas_user":
            yield probe(
                "Oomnitza: SaaS applications", lambda: first([client.get("/saas", {"limit": 1})])
            )


def first(pages) -> str:
    """Reading a page is the test; what it holds does not matter."""
    next(iter(pages), None)
    return ""


def intune_field(client, settings) -> str:
    field_id = settings.intune_field()
    fields = {field["internal_id"]: field for field in user_fields(client)}
    field = fields.get(field_id)
    if field is None:
        raise PipelineError(
            f"Oomnitza has no user field {field_id!r} ({settings.label('intune_user_id_field')}). "
            'Create the unique custom text field "Microsoft Intune User ID" under People in '
            "Oomnitza and set that setting to its internal id."
        )
    if not field.get("unique"):
        raise PipelineError(
            f"the field {field_id!r} ({field['label']}) is not unique in Oomnitza: make it unique"
        )
    return f"{field_id} ({field['label']}), unique"


def role_known(client, settings) -> str:
    role = settings.default_role()
    if role is None:
        raise PipelineError(
            "no role is set: give role, the id of an Oomnitza role, in the settings"
        )
    record = {"EMAIL": PROBE_ADDRESS, "USER": PROBE_ADDRESS, "PERMISSIONS_ID": role}
    name = settings.connector_name
    if rehearse(client, [record], sync_fields=["EMAIL"], connector_name=name).refused_roles:
        raise PipelineError(
            f"Oomnitza does not know the role {role} ({settings.label('role_id')}); set it to the "
            "id of a role defined in Oomnitza"
        )
    return f"{role} exists (checked with a test run, nothing written)"


def check(integration: Integration) -> list[Finding]:
    """Every finding for one integration, in the order a person would fix them."""
    return [*graph_findings(integration), *oomnitza_findings(integration)]
