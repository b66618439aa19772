"""Configuration errors name the setting as the settings file has it, whatever it reads from."""

import pytest

from intune_pipeline.defs.oomnitza.resources import OomnitzaResource
from intune_pipeline.defs.values import from_settings
from intune_pipeline.errors import ConfigError
from intune_pipeline.settings import Integration
from intune_pipeline.settings_values import Env
from intune_pipeline.summary import root_cause
from intune_pipeline_tests.runs import sync


def failure(result) -> str:
    """The message of the one step that failed, as the pipeline raised it."""
    assert not result.success
    [event] = [event for event in result.all_events if event.is_step_failure]
    error = root_cause(event.step_failure_data.error)
    return error.message.partition(f"{error.cls_name}: ")[2].strip()


def test_a_refused_token_names_the_setting_and_the_variable_it_is_read_from(
    sandbox_env, instance, monkeypatch
):
    monkeypatch.setenv("OTHER_NAME", "not-the-token")
    message = failure(sync(instance, oomnitza={"api_token": Env(env="OTHER_NAME")}))
    assert "Oomnitza refused the API token (HTTP 401)" in message
    assert "set oomnitza.api_token of integration intune_users (read from OTHER_NAME) to it" in (
        message
    )
    assert "OOMNITZA_API_TOKEN" not in message and "not-the-token" not in message


def test_an_unset_variable_names_the_setting_and_the_variable(sandbox_env, instance):
    message = failure(sync(instance, graph={"client_secret": Env(env="CONTOSO_SECRET")}))
    assert message.startswith(
        "graph.client_secret of integration intune_users is read from the environment variable "
        "CONTOSO_SECRET, which is not set (or is empty) where the run started. Set "
        "CONTOSO_SECRET there, or change graph.client_secret"
    )


def test_the_role_and_the_intune_id_field_name_their_settings(sandbox_env, instance, monkeypatch):
    monkeypatch.setenv("CONTOSO_ROLE", "Employee")
    message = failure(sync(instance, role=Env(env="CONTOSO_ROLE")))
    assert message.startswith(
        "role of integration intune_users (read from CONTOSO_ROLE) is 'Employee', not the id"
    )
    monkeypatch.delenv("OOMNITZA_INTUNE_USER_ID_FIELD")
    message = failure(sync(instance))
    assert message.startswith(
        "oomnitza.intune_user_id_field of integration intune_users is read from the environment "
        "variable OOMNITZA_INTUNE_USER_ID_FIELD, which is not set"
    )


def test_a_literal_url_is_named_as_the_setting_alone(sandbox_env, instance):
    url = sandbox_env.env["GRAPH_URL"].replace("https://", "http://")
    message = failure(sync(instance, graph={"graph_url": url}))
    assert message.startswith(
        f"graph.graph_url of integration intune_users is {url!r}, which is not an https:// URL"
    )
    assert "GRAPH_URL" not in message


def contoso(**oomnitza) -> OomnitzaResource:
    integration = Integration.model_validate(
        {
            "name": "contoso",
            "graph": {"tenant_id": "t", "client_id": "c", "client_secret": {"env": "S"}},
            "oomnitza": {
                "url": {"env": "CONTOSO_URL"},
                "api_token": {"env": "CONTOSO_TOKEN"},
                "intune_user_id_field": "f",
                **oomnitza,
            },
        }
    )
    paths = {name: f"oomnitza.{name}" for name in ("url", "api_token", "ca_bundle")}
    return OomnitzaResource(**from_settings(integration, paths, optional=("ca_bundle",)))


def test_the_config_holds_variable_names_never_their_values(monkeypatch):
    monkeypatch.setenv("CONTOSO_TOKEN", "s3cr3t")
    resource = contoso()
    assert resource.api_token is None and "s3cr3t" not in repr(resource)
    assert resource.value("api_token") == "s3cr3t"
    assert resource.label("api_token") == (
        "oomnitza.api_token of integration contoso (read from CONTOSO_TOKEN)"
    )


def test_an_unset_variable_switches_an_optional_setting_off_and_fails_a_required_one(
    monkeypatch,
):
    monkeypatch.delenv("CONTOSO_CA", raising=False)
    monkeypatch.delenv("CONTOSO_URL", raising=False)
    resource = contoso(ca_bundle={"env": "CONTOSO_CA"})
    assert resource.value("ca_bundle") is None
    with pytest.raises(ConfigError, match=r"^oomnitza\.url of integration contoso is read from"):
        resource.value("url")
    with (
        pytest.raises(ConfigError, match=r"^oomnitza\.url of integration contoso is read from"),
        resource.client(),
    ):
        pass
