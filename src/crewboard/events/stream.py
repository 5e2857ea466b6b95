"""Server-Sent Events: committed events pushed to open boards and phones.

Each connection gets an asyncio queue fed from the after-commit bus. A client
that reconnects sends ``Last-Event-ID`` and first receives every audit row it
missed, so a dropped connection catches up without a reload.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from crewboard.api.deps import CurrentActor
from crewboard.auth.actor import Actor, Role
from crewboard.events.bus import Message, bus
from crewboard.events.models import Event

router = APIRouter(tags=["events"])
HEARTBEAT_S = 15.0
CATCH_UP_LIMIT = 1000


def visible(actor: Actor, message: Message) -> bool:
    """Office roles see everything; a technician only what concerns them."""
    if actor.role is not Role.technician:
        return True
    return (actor.technician_id is not None
            and message.get("technician_id") == actor.technician_id)


def _frame(message: Message) -> str:
    ident = message.get("event_id")
    head = f"id: {ident}\n" if ident is not None else ""
    return f"{head}event: {message.get('type', 'message')}\ndata: {json.dumps(message)}\n\n"


@router.get("/events/stream")
async def stream(request: Request, actor: CurrentActor,
                 last_event_id: Annotated[str | None, Header()] = None) -> StreamingResponse:
    """``text/event-stream`` of committed changes the caller may see."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=10_000)

    def on_event(message: Message) -> None:
        if visible(actor, message):
            loop.call_soon_threadsafe(_put, queue, message)

    unsubscribe = bus.subscribe(on_event)
    missed = _missed(request, actor, last_event_id)

    async def body() -> AsyncIterator[str]:
        try:
            yield "retry: 2000\n\n"
            for message in missed:
                yield _frame(message)
            seen = missed[-1]["event_id"] if missed else 0
            while not await request.is_disconnected():
                try:
                    message = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if message.get("event_id", seen + 1) > seen:
                    yield _frame(message)
        finally:
            unsubscribe()

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _put(queue: asyncio.Queue[Message], message: Message) -> None:
    try:
        queue.put_nowait(message)
    except asyncio.QueueFull:  # a stalled client loses live events; it catches up on reconnect
        pass


def _missed(request: Request, actor: Actor, last_event_id: str | None) -> list[dict[str, Any]]:
    if not last_event_id or not last_event_id.isdigit():
        return []
    with request.app.state.session_factory() as session:
        rows = session.scalars(select(Event).where(Event.id > int(last_event_id))
                               .order_by(Event.id).limit(CATCH_UP_LIMIT))
        return [m for m in (r.message() for r in rows) if visible(actor, m)]
