"""Answers that are not what a client asked for: mangled bodies, and pointers to another host.

A malformed answer is made from the app's real one, after the app did its work, as a proxy that
cuts or replaces it would. A hostile answer sends the client to the same server under another
host name (localhost for 127.0.0.1), with a marker in the query, so the request log shows whether
a client ever followed it.
"""

from urllib.parse import urlsplit, urlunsplit

import orjson

HOSTILE_MARKER = "sandbox_hostile=1"
PROXY_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    b"<h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream "
    b"server.</p><hr><address>corporate-proxy</address></body></html>"
)

Headers = list[tuple[bytes, bytes]]


async def buffered(app, scope, receive) -> tuple[int, Headers, bytes]:
    """The app's whole answer: status, headers and body, none of it sent yet."""
    start: dict = {}
    chunks: list[bytes] = []

    async def capture(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return start["status"], list(start.get("headers", [])), b"".join(chunks)


def mangled(kind: str, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    """The answer as a broken proxy passes it on: an HTML page, invalid JSON, or cut short."""
    if kind == "html":
        return 200, with_body(headers, PROXY_PAGE, b"text/html; charset=utf-8"), PROXY_PAGE
    if kind == "invalid_json":
        broken = body.replace(b'":', b'"=', 1) if b'":' in body else b"{not json"
    else:  # truncated, with a Content-Length that matches, so only the JSON parser can tell
        broken = body[: max(1, len(body) // 2)]
    return status, with_body(headers, broken), broken


def with_body(headers: Headers, body: bytes, content_type: bytes | None = None) -> Headers:
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() != b"content-length" and (content_type is None or name != b"content-type")
    ]
    kept.append((b"content-length", str(len(body)).encode()))
    if content_type:
        kept.append((b"content-type", content_type))
    return kept


def elsewhere(scope, url: str | None = None) -> str:
    """url (by default the request's own) on the same server under another host name."""
    host, port = scope["server"][:2]
    other = "127.0.0.1" if host == "localhost" else "localhost"
    if url is None:
        query = scope["query_string"].decode("latin-1")
        url = urlunsplit(("https", f"{host}:{port}", scope["path"], query, ""))
    parts = urlsplit(url)
    query = f"{parts.query}&{HOSTILE_MARKER}" if parts.query else HOSTILE_MARKER
    return urlunsplit((parts.scheme, f"{other}:{port}", parts.path, query, ""))


def hostile(scope, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    """A page whose @odata.nextLink leads elsewhere, or else a redirect there."""
    if status == 200 and b"@odata.nextLink" in body:
        page = orjson.loads(body)
        page["@odata.nextLink"] = elsewhere(scope, page["@odata.nextLink"])
        rewritten = orjson.dumps(page)
        return status, with_body(headers, rewritten), rewritten
    return 307, [(b"location", elsewhere(scope).encode()), (b"content-length", b"0")], b""
