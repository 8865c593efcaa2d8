"""The classroom's messages, checked by the same schema toolkit as every file partnersim reads.

A submission's levers are a table generated from the lever declarations (`sim.policy.lever_table`),
so an unknown lever or a value out of range is refused with the same words a scenario file gets,
and the levers keep one source of truth. A facilitator's injected event is an `[[events]]` table
of the scenario vocabulary, checked by the scenario schema (`sim.scenario.event_from_table`).
Every refusal is a `Refused` with a reason a person can act on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from sim.errors import PartnersimError
from sim.policy import lever_table
from sim.schema import FileModel, choice, explain, keyed, number, text, whole

MAX_MESSAGE_BYTES = 16_384       # a request body or websocket message, JSON
MAX_NAME = 32                    # characters of a team name, after cleaning
BOT_POLICIES = ("baseline", "fix", "random")


class Refused(PartnersimError):
    """A request the room will not act on; the message says why, and nothing was stored.

    Attributes:
        status: The HTTP status that fits (400 bad request, 401/403 keys, 409 state, 422 values).
    """

    def __init__(self, reason: str, status: int = 409) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def clean_name(raw: str) -> str:
    """A team name as shown everywhere: printable characters, single spaces, at most 32.

    Raises:
        Refused: nothing printable is left.
    """
    text_ = unicodedata.normalize("NFKC", raw)
    text_ = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text_)
    text_ = re.sub(r"\s+", " ", text_).strip()[:MAX_NAME].strip()
    if not any(ch.isalnum() for ch in text_):
        raise Refused("'name': a team name needs at least one letter or digit", 422)
    return text_


SubmittedLevers = lever_table("SubmittedLevers", defaults=False,
                              doc="Lever = value: a team's choices for the quarter being decided.")


class JoinRequest(FileModel):
    """A team asks for a seat."""

    code: text("the room code shown on the projector") = Field(max_length=64)
    name: text("the team's name") = Field(max_length=200)


class Submit(FileModel):
    """A team's decision for the open quarter: (quarter, revision) make a resend harmless."""

    type: Literal["submit"] = "submit"
    quarter: whole(1) = Field(description="the quarter being decided")
    revision: whole(0) = Field(description="the team's revision the decision was made on")
    levers: SubmittedLevers = Field(description="lever = value for the quarter")


class Hello(FileModel):
    """The first websocket message: who is on the other end."""

    type: Literal["hello"]
    token: text("the key the server gave") = Field(max_length=200)


class RoundAction(FileModel):
    """Round controls."""

    action: choice(("practice", "start", "close", "advance", "pause", "resume", "end"))


class TeamAction(FileModel):
    """Lock a team's decision, reopen it, or take a seat back from a bot."""

    action: choice(("lock", "reopen", "unbot"))
    team: whole(1)


class ExtendAction(FileModel):
    """More time for one team in a timed round."""

    action: Literal["extend"]
    team: whole(1)
    minutes: number(0.25, 60)


class BotAction(FileModel):
    """Hand an empty or dropped seat to a bot playing by a rule."""

    action: Literal["bot"]
    team: whole(1)
    policy: choice(BOT_POLICIES)


class InjectAction(FileModel):
    """An event of the scenario vocabulary for the next quarter (its quarter is the room's)."""

    action: Literal["inject"]
    event: dict[str, Any]


class BroadcastAction(FileModel):
    """A message to every team's page."""

    action: Literal["broadcast"]
    message: text("a message of 1 to 500 characters", r"\S") = Field(max_length=500)


ACTIONS = {**{a: RoundAction for a in ("practice", "start", "close", "advance", "pause", "resume", "end")},
           **{a: TeamAction for a in ("lock", "reopen", "unbot")},
           "extend": ExtendAction, "bot": BotAction, "inject": InjectAction, "broadcast": BroadcastAction}


ActionBody = keyed("action", ACTIONS)
_ACTION = TypeAdapter(ActionBody)


def parse_json(raw: bytes | str) -> Any:
    """A request body or websocket message as JSON, size-limited.

    Raises:
        Refused: too big or not JSON.
    """
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_MESSAGE_BYTES:
        raise Refused(f"message too large: {size} bytes (allowed: up to {MAX_MESSAGE_BYTES})", 413)
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as e:
        raise Refused(f"not valid JSON ({e})", 400) from None
    except RecursionError:
        raise Refused("not valid JSON (nested too deeply)", 400) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def check(model: type[FileModel] | Any, data: Any) -> Any:
    """`data` checked against a message schema.

    Raises:
        Refused: naming the key and what is allowed (the first problem).
    """
    if not isinstance(data, dict):
        raise Refused("a message is a JSON object", 400)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        key, message = explain(exc, model, first=0)[0]
        raise Refused(f"'{key}': {message}" if key else message, 422) from None


def check_action(data: Any) -> FileModel:
    """A facilitator action, by its `action` key.

    Raises:
        Refused: an unknown action or a bad argument, named.
    """
    if not isinstance(data, dict):
        raise Refused("a message is a JSON object", 400)
    body = {k: v for k, v in data.items() if k != "type"}
    try:
        return _ACTION.validate_python(body)
    except ValidationError as exc:
        key, message = explain(exc, ActionBody, first=0)[0]
        raise Refused(f"'{key}': {message}" if key else message, 422) from None
