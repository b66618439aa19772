"""ASGI middleware that injects a server's faults, and answers /_sandbox/faults."""

import asyncio
import uuid
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from intune_pipeline.sandbox.entra_protocol import aad_error
from intune_pipeline.sandbox.fault_answers import buffered, hostile, mangled
from intune_pipeline.sandbox.faults import Faults
from intune_pipeline.sandbox.web import json_response, read_json_object, utc_now

# (status, request, Retry-After value) -> the service's own answer
Answer = Callable[[int, Request, str], Response]
STATUS = {"throttled": 429, "errors": 503}  # the others: see fault_answers
DISCONNECT_TIMEOUT = 5.0


class FaultMiddleware:
    """Decides each request's fault as it arrives, before the app; /_sandbox/* is never faulted."""

    def __init__(self, app, faults: Faults, answer: Answer):
        self.app = app
        self.faults = faults
        self.answer = answer

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/_sandbox/faults":
            await self.endpoint(scope, receive, send)
            return
        if scope["path"].startswith("/_sandbox/"):
            await self.app(scope, receive, send)
            return
        fault, slow, delay = self.faults.decide()
        kind = self.faults.malformed_kind() if fault == "malformed" else None
        scope["sandbox.faults"] = [name for name in (fault, slow and "slow") if name]
        if delay:
            await asyncio.sleep(delay)
        if fault == "resets":
            await self.reset(scope, receive)
        elif fault == "malformed":
            await self.respond(send, *mangled(kind, *await buffered(self.app, scope, receive)))
        elif fault == "hostile":
            # A read is answered by the app first, so its page's nextLink can be turned; a
            # write is not applied: the redirect alone stands for a hijacked address.
            answer = (200, [], b"")
            if scope["method"] == "GET":
                answer = await buffered(self.app, scope, receive)
            await self.respond(send, *hostile(scope, *answer))
        elif fault:
            retry_after = f"{self.faults.settings.retry_after:.6f}".rstrip("0").rstrip(".")
            response = self.answer(STATUS[fault], Request(scope), retry_after)
            response.headers["Retry-After"] = retry_after
            await response(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    @staticmethod
    async def respond(send, status: int, headers: list, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def reset(self, scope, receive) -> None:
        """Drop the connection: the client sees a reset, never a status."""
        abort = self.faults.abort
        if abort is None or not abort(scope):
            raise RuntimeError("The connection to drop was not found")
        async with asyncio.timeout(DISCONNECT_TIMEOUT):
            # Returning before uvicorn sees the disconnect would make it answer 500.
            while (await receive())["type"] != "http.disconnect":
                pass

    async def endpoint(self, scope, receive, send) -> None:
        """GET: the settings and counts; POST a JSON object: change the settings it names."""
        request = Request(scope, receive)
        if request.method == "POST":
            try:
                values = await read_json_object(
                    request, 'Give a JSON object such as {"throttle_rate": 0.1}'
                )
                self.faults.update(values)
            except ValueError as error:
                await json_response({"error": str(error)}, 400)(scope, receive, send)
                return
        elif request.method != "GET":
            response = json_response({"error": "Use GET or POST"}, 405, {"Allow": "GET, POST"})
            await response(scope, receive, send)
            return
        await json_response(self.faults.report())(scope, receive, send)


def graph_answer(status: int, request: Request, retry_after: str) -> Response:
    """Graph's throttling and outage bodies: {"error": {"code", "message", "innerError"}}."""
    request_id = str(uuid.uuid4())
    client_request_id = request.headers.get("client-request-id") or request_id
    if status == 429:
        code, message = "TooManyRequests", "Too many requests. Please retry again later."
    else:
        code, message = "ServiceUnavailable", "The service is temporarily unavailable."
    inner = {
        "code": str(status),
        "message": f"Please retry after {retry_after} seconds",
        "date": utc_now().strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": request_id,
        "client-request-id": client_request_id,
    }
    headers = {
        "request-id": request_id,
        "client-request-id": client_request_id,
        "Cache-Control": "no-cache",
    }
    body = {"error": {"code": code, "message": message, "innerError": inner}}
    return json_response(body, status, headers)


def oomnitza_answer(status: int, request: Request, retry_after: str) -> Response:
    text = "Too many requests" if status == 429 else "Service temporarily unavailable"
    return json_response({"errors": f"{text}; retry after {retry_after} seconds"}, status)


def login_answer(login_url: str) -> Answer:
    """Entra's error body, as the token and discovery endpoints give it."""

    def answer(status: int, request: Request, retry_after: str) -> Response:
        if status == 429:
            code, text = 90055, "There are too many incoming requests. Please try again later."
        else:
            code, text = 90006, "The service is temporarily unavailable. Please try again later."
        correlation = request.headers.get("client-request-id")
        return aad_error(login_url, status, "temporarily_unavailable", code, text, correlation)

    return answer


def with_faults(app, server: str, faults: Faults, urls: dict[str, str]) -> FaultMiddleware:
    """app behind the faults of server ("login", "graph" or "oomnitza"), answering as it would."""
    answers = {"login": login_answer(urls["login"]), "graph": graph_answer}
    return FaultMiddleware(app, faults, answers.get(server, oomnitza_answer))
