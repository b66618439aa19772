"""POST /api/v3/bulk: portions of user records keyed by Oomnitza internal field ids."""

import time

from intune_pipeline.collector import collector_paused
from intune_pipeline.sandbox.oomnitza_losses import Losses
from intune_pipeline.sandbox.oomnitza_portions import MAX_TEST_PAYLOAD, Portion
from intune_pipeline.sandbox.oomnitza_records import BULK_FIELDS, RecordRules
from intune_pipeline.sandbox.oomnitza_store import UserStore

BOOLEAN_OPTIONS = ("insert_only", "update_only", "test_run")


class ApiError(Exception):
    """A request Oomnitza refuses; answered as {"errors": message} with the status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def check_batch(body) -> None:
    """Refuse a bulk request that is malformed as a whole, naming what to fix."""
    if not isinstance(body, dict):
        raise ApiError(400, "The bulk request body must be a JSON object")
    if body.get("data_type") != "users":
        raise ApiError(
            400, f"data_type {body.get('data_type')!r} is not supported here; send 'users'"
        )
    portion = body.get("portion")
    if not isinstance(portion, str) or not portion.strip():
        raise ApiError(400, "portion is missing: give the id (a UUID) of this connector run")
    for option in BOOLEAN_OPTIONS:
        if not isinstance(body.get(option, False), bool):
            raise ApiError(400, f"{option} must be true or false")
    if body.get("insert_only") and body.get("update_only"):
        raise ApiError(
            400, "insert_only and update_only cannot both be true (Create only or Update only)"
        )
    sync = body.get("sync_field")
    if not isinstance(sync, list) or not sync:
        raise ApiError(400, "sync_field must be a non-empty list of field ids, such as ['EMAIL']")
    for key in sync:
        if key not in BULK_FIELDS:
            raise ApiError(
                400,
                f"sync_field {key!r} is not a user field; use internal field ids such as "
                f"{', '.join(BULK_FIELDS)}",
            )
    if not isinstance(body.get("records"), list):
        raise ApiError(400, "records must be a list of record objects")


class Bulk:
    """The portions received so far, and what became of their records.

    Batches of one portion may arrive concurrently. receive() never awaits, and every request
    is served on the one event loop, so a batch is processed whole before the next one starts:
    a portion's received count, record positions and run-log lines never interleave.
    """

    def __init__(self, store: UserStore):
        self.store = store
        self.portions: dict[str, Portion] = {}
        self.losses = Losses()

    def state(self, portion_id: str) -> dict:
        portion = self.portions.get(portion_id)
        if portion is None:  # the connector asks before its first batch
            return {"portion": portion_id, "canceled": False, "finalized": False}
        return portion.state()

    def receive(self, body, client_ip: str) -> dict:
        check_batch(body)
        portion = self.portions.get(body["portion"])
        if portion is not None and (portion.canceled or portion.finalized):
            state = "canceled" if portion.canceled else "finalized"
            raise ApiError(409, f"Portion {portion.id} is {state}; start a new portion")
        if portion is None:
            portion = self._new(body["portion"], body.get("connector_name"), client_ip)
            portion.test_run = body.get("test_run", False)
        write = not portion.test_run
        rules = RecordRules(self.store, body, portion.connector, write, self.losses)
        with collector_paused():
            for record in body["records"]:
                portion.received += 1
                category, message = rules.process(record, portion.received)
                portion.record(category, message)
                if portion.test_run and len(portion.test_run_payload) < MAX_TEST_PAYLOAD:
                    portion.test_run_payload.append(record)
        return {"portion": portion.id, "received": len(body["records"])}

    def finalize(self, portion_id: str) -> None:
        portion = self.portions.get(portion_id)
        if portion is None:
            raise ApiError(404, f"Portion {portion_id} not found")
        if not portion.finalized:
            portion.finalized = True
            portion.end_time = int(time.time())

    def cancel(self, portion_id: str) -> Portion:
        """The operator's cancel: the connector sees canceled: true and stops."""
        portion = self.portions.get(portion_id) or self._new(portion_id, None, "127.0.0.1")
        portion.canceled = True
        portion.end_time = portion.end_time or int(time.time())
        return portion

    def ready_portion(self, integration: str, body, client_ip: str) -> None:
        """add_ready_portion: a run that failed before it started, or had nothing to send."""
        if not isinstance(body, dict) or not body.get("correlation_id"):
            raise ApiError(400, "correlation_id is missing: give the run's portion id")
        portion = self._new(str(body["correlation_id"]), integration, client_ip)
        portion.test_run = bool(body.get("test_run"))
        if not body.get("is_empty_run"):
            category = body.get("error_type") or "Fatal Error"
            category = category if category in portion.logs else "Fatal Error"
            for _ in range(int(body.get("failed") or 1)):
                portion.record(category, str(body.get("error_message") or "Run failed"))
        portion.finalized = True
        portion.end_time = int(time.time())

    def runs(self, connector: str) -> list[dict]:
        """A connector's portions, newest first."""
        mine = [p for p in self.portions.values() if p.connector == connector]
        return [p.summary() for p in sorted(mine, key=lambda p: p.number, reverse=True)]

    def _new(self, portion_id: str, connector: str | None, client_ip: str) -> Portion:
        portion = Portion(portion_id, len(self.portions) + 1, connector or "", False, client_ip)
        self.portions[portion_id] = portion
        return portion
