"""HTTP plumbing shared by the Graph and Oomnitza clients: TLS, timeouts, bounded retries."""

import functools
import logging
import os
import random
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import orjson

from intune_pipeline.errors import ConfigError, RemoteError

log = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
PARSED = "intune_pipeline.json"  # where send() keeps a success answer's parsed body


def https_base_url(url: str, setting: str) -> str:
    """The base URL of a service without a trailing slash; only https is accepted.

    setting names where the URL came from, as a person would point at it.
    """
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(
            f"{setting} is {url!r}, which is not an https:// URL: give the service's address "
            "as https:// followed by its host name."
        )
    return url.strip().rstrip("/")


def tls_context(ca_bundle: str | None, setting: str) -> ssl.SSLContext:
    """System trust plus an optional CA bundle; certificate verification is always on.

    setting names where the bundle's path came from, as a person would point at it. Contexts
    are shared: loading the system's trust takes 20-30 ms, which every client of a run paid.
    """
    if not ca_bundle:
        return shared_context(None, None)
    try:
        info = os.stat(ca_bundle)  # a bundle replaced on disk gets a context of its own
        return shared_context(ca_bundle, (info.st_ino, info.st_size, info.st_mtime_ns))
    except (OSError, ssl.SSLError) as error:
        raise ConfigError(
            f"{setting} names {ca_bundle!r}, which is not a readable PEM CA bundle "
            f"({error}). Point it at the PEM file of the CA that signs the server "
            "certificates, or remove it."
        ) from error


@functools.lru_cache(maxsize=16)
def shared_context(ca_bundle: str | None, version: tuple | None) -> ssl.SSLContext:
    """The context of tls_context, made once per bundle path and version."""
    context = ssl.create_default_context()
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


def http_client(context: ssl.SSLContext, timeout: float = 60.0) -> httpx.Client:
    """A client that never follows redirects, so credentials never travel to another host."""
    return httpx.Client(
        verify=context,
        timeout=httpx.Timeout(timeout, connect=15.0),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
    )


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter that honours Retry-After."""

    attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 60.0
    budget: float = 600.0  # seconds of waiting in all, per request

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), self.max_delay)
            except ValueError:
                pass  # an HTTP date: fall back to backoff
        backoff = min(self.base_delay * 2**attempt, self.max_delay)
        return backoff / 2 + random.uniform(0, backoff / 2)


def send(
    client: httpx.Client,
    request: httpx.Request,
    service: str,
    policy: RetryPolicy,
) -> httpx.Response:
    """Send a request, retrying throttling, transient server errors, broken connections and
    success answers whose body is not JSON (a proxy's page, a truncated body).

    Every request the clients make may be sent twice: reads, and bulk records that Oomnitza
    matches on their sync key, so a retried batch updates rather than duplicates. A redirect
    is refused, never followed, so credentials stay with the host they are for.
    """
    waited = 0.0
    attempt = 0
    while True:
        response = None
        try:
            response = client.send(request)
        except (httpx.TransportError, httpx.DecodingError) as error:
            if untrusted(error):
                raise RemoteError(
                    f"{service} at {request.url.host} presented a certificate that could not be "
                    f"verified ({error}). Verification is always on: if a TLS-inspecting proxy "
                    "or a private CA signs it, add that CA's PEM file to the ca_bundle setting."
                ) from None  # the message says it all; alerts show the innermost error
            problem = f"{type(error).__name__}: {error or 'no detail'}"
        else:
            if response.is_redirect:
                raise refused_redirect(response, service)
            if response.status_code in TRANSIENT_STATUSES:
                problem = f"HTTP {response.status_code}"
            elif (problem := unreadable(response, service)) is None:
                return response
        attempt += 1
        pause = policy.delay(attempt - 1, response)
        if attempt == policy.attempts or waited + pause > policy.budget:
            raise RemoteError(
                f"{service} {request.method} {request.url.path} still failing after "
                f"{attempt} attempts and {waited:.0f} s of waiting; last problem: {problem}",
                status=response.status_code if response is not None else None,
                request_id=response.headers.get("request-id") if response is not None else None,
                transient=True,
            )
        what = f"{service} {request.method} {request.url.path}"
        log.warning("%s: %s; retry %d in %.1f s", what, problem, attempt, pause)
        time.sleep(pause)
        waited += pause


def untrusted(error: BaseException) -> bool:
    """A failed certificate check: it fails the same way every time, so it is not retried."""
    while error is not None:
        if isinstance(error, ssl.SSLCertVerificationError):
            return True
        error = error.__cause__ or error.__context__
    return False


def refused_redirect(response: httpx.Response, service: str) -> RemoteError:
    target = urlsplit(response.headers.get("Location", "")).netloc or "nowhere"
    return RemoteError(
        f"{service} answered {response.status_code} redirecting to {target!r}; redirects are "
        f"not followed, so credentials never leave the {service} host. Check that the "
        f"{service} URL setting is the service's own host, not an address that forwards to it.",
        status=response.status_code,
        request_id=response.headers.get("request-id"),
    )


def unreadable(response: httpx.Response, service: str) -> str | None:
    """Why a success answer's body cannot be used, or None; the parsed body is kept."""
    if not 200 <= response.status_code < 300 or not response.content:
        return None
    try:
        response.extensions[PARSED] = orjson.loads(response.content)
    except orjson.JSONDecodeError as error:
        return not_json(response, service, error)
    return None


def not_json(response: httpx.Response, service: str, error: Exception) -> str:
    kind = response.headers.get("Content-Type", "no content type")
    snippet = response.content[:120].decode("utf-8", "replace").replace("\n", " ")
    return (
        f"{service} answered HTTP {response.status_code} with a body that is not JSON "
        f"({kind}, {len(response.content)} bytes: {snippet!r}): {error}"
    )


DEFAULT_RETRY = RetryPolicy()


def json_body(response: httpx.Response, service: str):
    """The parsed JSON body, or a clear error when a proxy or broken server sent something else.

    The body send() parsed is handed over, not kept: httpx's responses are freed by the cyclic
    collector, and a page kept by one outlived the frame made of it.
    """
    if PARSED in response.extensions:
        return response.extensions.pop(PARSED)
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError as error:
        raise RemoteError(
            not_json(response, service, error),
            status=response.status_code,
            request_id=response.headers.get("request-id"),
        ) from error
