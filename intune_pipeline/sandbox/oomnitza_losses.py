"""Records Oomnitza reports as written but does not keep, for reconciliation tests.

POST /_sandbox/oomnitza/drop {"count": n} arms the next n bulk records that would add or
update a user: each is logged in its portion's run log as usual, but the store is left as it
was, so only reading the users back shows the loss. GET /_sandbox/oomnitza/dropped names them.
"""

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.web import json_response, read_json_object


class Losses:
    """How many writes are still to be lost, and the ones lost so far, oldest first."""

    def __init__(self):
        self.pending = 0
        self.dropped: list[dict] = []

    def arm(self, count) -> dict:
        """Lose the next count writes (replacing any still pending)."""
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"count must be a whole number of 0 or more, not {count!r}")
        self.pending = count
        return {"pending": self.pending}

    def take(self, portion: str, position: int, outcome: str, name: str, record: dict) -> bool:
        """True when this write is to be lost; it is then noted in the dropped list."""
        if not self.pending:
            return False
        self.pending -= 1
        self.dropped.append(
            {
                "portion": portion,
                "position": position,
                "outcome": outcome,
                "name": name,
                "record": dict(record),
                "at": int(time.time()),
            }
        )
        return True


def losses_routes(losses: Losses) -> list[Route]:
    """The operator's routes: arm losses, and list the records lost."""

    async def drop(request: Request) -> Response:
        try:
            body = await read_json_object(request, 'Send a JSON object such as {"count": 3}')
            return json_response(losses.arm(body.get("count")))
        except ValueError as error:
            return json_response({"errors": str(error)}, 400)

    async def dropped(request: Request) -> Response:
        return json_response({"pending": losses.pending, "dropped": losses.dropped})

    return [
        Route("/_sandbox/oomnitza/drop", drop, methods=["POST"]),
        Route("/_sandbox/oomnitza/dropped", dropped, methods=["GET"]),
    ]
