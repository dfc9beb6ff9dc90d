"""Request bodies over the size limit: answered 413 in a way every client reads.

Answering from the headers and closing at once resets the connection while the client is still
sending, and most clients (urllib, requests) then report the reset, not the 413. So the body is
read and dropped first, up to a bound in bytes and time, and the 413 goes out with
`Connection: close`. A body without Content-Length (chunked) is counted as it arrives and meets
the same answer once it passes the limit.
"""

from __future__ import annotations

import asyncio
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.error_handlers import error_response

DRAIN_BYTES = 64 * 1024 * 1024  # read at most this much of a refused body before closing
DRAIN_SECONDS = 10.0


def _too_large(size: int | str, limit: int) -> str:
    return f"request body is {size} bytes; the limit is {limit}"


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"").decode("latin-1")
        if length.isdigit() and int(length) > self.max_bytes:
            await _drain(receive)
            await _refuse(scope, send, _too_large(length, self.max_bytes))
            return
        seen = 0
        over = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                over = True
                raise HTTPException(413, _too_large(f"over {seen}", self.max_bytes))
            return message

        async def answer(message: Message) -> None:
            """The app's answer, or the 413 in place of whatever the app made of the cut body."""
            if not over:
                await send(message)
            elif message["type"] == "http.response.start":
                await _drain(receive)
                await _refuse(scope, send, _too_large(f"over {seen}", self.max_bytes))

        await self.app(scope, counted, answer)


async def _drain(receive: Receive) -> None:
    """Read and drop the rest of the body, within DRAIN_BYTES and DRAIN_SECONDS."""
    read, deadline = 0, time.monotonic() + DRAIN_SECONDS
    while read <= DRAIN_BYTES:
        try:
            message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            return
        read += len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def _refuse(scope: Scope, send: Send, detail: str) -> None:
    response = error_response(413, detail, headers={"Connection": "close"})
    await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
