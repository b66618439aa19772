"""The Dagster UI, driven in headless Chromium as a newcomer would, after `make run`.

Screenshots go to $INTUNE_PIPELINE_SCREENSHOTS (`make screenshots` points it at docs/images,
which the README shows), else to the test's own directory.
"""

import os
import shutil
from pathlib import Path

import httpx
import pytest
from dagster_graphql import DagsterGraphQLClient
from dotenv import dotenv_values
from playwright.sync_api import Page, expect, sync_playwright

from intune_pipeline_tests.dagster_ui import ASSETS, make_run, project_copy, runs, wait_for_runs

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """`make run` on a fresh project: its port and directory, once the first sync is done."""
    project = project_copy(tmp_path_factory.mktemp("project"))
    with make_run(project, users=400) as (port, _):
        wait_for_runs(port, 1)
        yield port, project


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "install Debian's chromium (make test does where missing)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page(browser, ui):
    # One browser profile for the module, as one person's: Dagster's first-visit dialog once.
    # It may open seconds after the page on a busy machine, so it is dismissed whenever it is
    # in the way of a click or an expectation.
    context = browser.new_context(viewport={"width": 1500, "height": 900})
    opened = context.new_page()
    skip = opened.get_by_role("button", name="Skip")
    opened.add_locator_handler(skip, lambda: skip.click())
    yield opened
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("INTUNE_PIPELINE_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("screenshots")


def visit(page: Page, port: int, path: str) -> None:
    page.goto(f"http://127.0.0.1:{port}{path}")


def test_the_asset_graph_shows_every_asset_with_its_lineage(ui, page, shots):
    port, _ = ui
    visit(page, port, "/asset-groups/intune_users")
    graph = page.locator("[data-testid='asset-graph'], svg").first
    for asset in ASSETS:
        expect(page.get_by_text(asset, exact=True).first).to_be_visible()
    expect(graph).to_be_visible()
    page.screenshot(path=shots / "asset-graph.png")


def test_a_materialization_launched_from_the_ui_completes_and_waits_its_turn(ui, page, shots):
    port, _ = ui
    before = len(runs(port))
    visit(page, port, "/asset-groups/intune_users")
    page.get_by_role("button", name="Materialize all").click()
    expect(page.get_by_text("Launched run")).to_be_visible()
    page.get_by_role("button", name="Materialize all").click()  # a second, while the first runs
    finished = wait_for_runs(port, before + 2)
    first, second = finished[1], finished[0]  # newest first
    assert first["status"] == second["status"] == "SUCCESS"
    # One run of an integration at a time, whatever launched it.
    assert second["startTime"] >= first["endTime"]
    visit(page, port, f"/runs/{first['runId']}")
    expect(page.get_by_text("Success").first).to_be_visible()
    page.screenshot(path=shots / "run.png")


def test_the_load_asset_shows_its_counts(ui, page, shots):
    port, _ = ui
    visit(page, port, "/assets/intune_users/oomnitza_load")
    for count in ("added", "updated", "unchanged", "failed", "sent"):
        expect(page.get_by_text(count, exact=True).first).to_be_visible()
    page.screenshot(path=shots / "load-asset.png", full_page=True)


def test_a_blocked_guard_is_visible_with_its_numbers(ui, page, shots):
    port, project = ui
    sandbox = dotenv_values(project / ".sandbox" / "sandbox.env")
    ca = sandbox["INTUNE_PIPELINE_CA_BUNDLE"]
    leavers = httpx.post(
        f"{sandbox['GRAPH_URL']}/_sandbox/tenant/mutations", json={"leavers": 150}, verify=ca
    )
    leavers.raise_for_status()
    before = len(runs(port))
    # A full read, so that the shrunken tenant is compared with the last full read.
    DagsterGraphQLClient("127.0.0.1", port_number=port).submit_job_execution(
        "intune_users_sync",
        repository_location_name="intune_pipeline",
        repository_name="__repository__",
        run_config={"ops": {"intune_users__graph_users_raw": {"config": {"full_read": True}}}},
    )
    finished = wait_for_runs(port, before + 1)
    assert finished[0]["status"] == "FAILURE"
    visit(page, port, "/assets/intune_users/oomnitza_sync_plan?view=checks")
    expect(page.get_by_text("source_shrink").first).to_be_visible()
    page.get_by_text("source_shrink").first.click()
    expect(page.get_by_text("Graph returned 250 users").first).to_be_visible()
    page.screenshot(path=shots / "blocked-guard.png", full_page=True)
