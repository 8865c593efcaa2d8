"""Structured events: what happened, to whom, and why.

The event log is how the model explains itself: the game's news feed and the debrief
read it, and a churned partner's event names the incidents that drove it away.
Scheduled scenario events (policy pressure or market shocks) are declared here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sim.policy import LEVERS, PolicyError

EVENT_KINDS: tuple[str, ...] = (
    "deal_won",
    "deal_lost",
    "conflict",
    "first_partner_deal",
    "partner_signed",
    "partner_churned",
    "partner_at_risk",
    "account_taken_direct",
    "manager_left",
    "program_cut",
    "policy_change",
    "policy_imposed",
    "scenario_event",
)

#: Each shock's allowed `size`: (low, high), inclusive; a size outside breaks the market's arithmetic.
SHOCK_SIZES: dict[str, tuple[float, float]] = {
    "demand": (0.05, 5.0),             # demand multiplied by 0.05 to 5
    "reputation": (-1.0, 1.0),
    "manager_departures": (0.0, 50.0),  # a whole number of managers
    "competitor_poach": (0.0, 1.0),
}


def shock_size_problem(shock: str, size: float) -> str | None:
    """Why `size` is not allowed for `shock` (None if it is), in the words an error message uses."""
    low, high = SHOCK_SIZES.get(shock, (float("-inf"), float("inf")))
    whole = shock == "manager_departures"
    ok = isinstance(size, (int, float)) and not isinstance(size, bool) and low <= size <= high \
        and (not whole or float(size).is_integer())
    if ok:
        return None
    kind = "integer" if whole else "number"
    return f"{size!r} is not allowed for a {shock} shock (allowed: {kind} from {low:g} to {high:g})"


#: What a team's news feed shows (the game's play screen and the classroom page), most telling first.
NEWS_KINDS: tuple[str, ...] = (
    "conflict", "partner_churned", "partner_at_risk", "account_taken_direct", "first_partner_deal",
    "partner_signed", "manager_left", "program_cut", "scenario_event", "policy_imposed", "policy_change",
)

#: Who imposes a policy event whose scenario entry names nobody (`by` left out).
DEFAULT_BY = "a scenario event"

SHOCKS: dict[str, str] = {
    "demand": "multiply market demand by `size` for `duration` quarters",
    "reputation": "add `size` (-1 to 1) to the vendor's reputation among partners",
    "manager_departures": "`size` partner managers leave at once",
    "competitor_poach": "a competitor courts partners: each loses `size` (0-1) of its mindshare",
}


#: A sentence not yet written: (function, *arguments); `Event.cause` calls the function with
#: the arguments when the sentence is first read (module-level functions keep events picklable).
Sentence = tuple[Any, ...]


class Event:
    """One thing that happened in the simulation.

    Events hold their data; the sentence a player reads (`cause`) is written only when it is
    read (the news feed, the debrief, `events_frame`), because a run logs tens of thousands of
    deals and almost none of their sentences are ever shown. Treat an event as read-only.

    Attributes:
        quarter: 1-based quarter in which it happened.
        week: Global week number (0-based) in which it happened.
        kind: One of EVENT_KINDS.
        agents: unique_ids of the agents involved (rep, partner, manager).
        cause: Plain-words reason, written for a player.
        amount: Money involved, if any (USD), else 0.
        data: Extra structured detail (channel, region, reasons...).
    """

    __slots__ = ("quarter", "week", "kind", "agents", "amount", "data", "_cause")

    def __init__(self, quarter: int, week: int, kind: str, agents: tuple[int, ...], cause: str | Sentence,
                 amount: float = 0.0, data: dict[str, Any] | None = None) -> None:
        """`cause` is the sentence, or a `Sentence` that writes it when first read."""
        self.quarter = quarter
        self.week = week
        self.kind = kind
        self.agents = agents
        self._cause = cause
        self.amount = amount
        self.data = {} if data is None else data

    @property
    def cause(self) -> str:
        """Plain-words reason, written for a player (formatted on first read, then kept)."""
        c = self._cause
        if c.__class__ is not str:
            c = self._cause = c[0](*c[1:])
        return c

    def _fields(self) -> tuple[Any, ...]:
        return (self.quarter, self.week, self.kind, self.agents, self.cause, self.amount, self.data)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Event:
            return NotImplemented
        return self._fields() == other._fields()   # type: ignore[attr-defined]

    __hash__ = None   # type: ignore[assignment]   # data is a dict, as with the dataclass it was

    def __repr__(self) -> str:
        names = ("quarter", "week", "kind", "agents", "cause", "amount", "data")
        return "Event(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True)) + ")"


class EventBatch(Protocol):
    """Events a mechanism logs many at a time (a week's closed deals), kept as the columns
    they were computed in until the log is read."""

    def __len__(self) -> int: ...

    def events(self) -> list[Event]:
        """The batch as events, in order."""
        ...


class EventLog(Sequence[Event]):
    """The model's event log: the events in the order they happened, read like a list.

    A batch (`EventBatch`, e.g. a week's tens of deals) is stored as it was logged and
    becomes `Event`s only when the log is read (the news feed, the debrief, `events_frame`);
    its length counts at once, so `len(log)` never builds anything. Reading builds every
    batch logged since the last read, once.
    """

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._items: list[Any] = list(events)      # Events, and batches not yet read
        self._n = len(self._items)
        self._first_batch = -1                      # where the first unread batch is (-1: none)

    def append(self, event: Event) -> None:
        """Log one event."""
        self._items.append(event)
        self._n += 1

    def extend(self, events: Iterable[Event]) -> None:
        """Log events, in order."""
        for ev in events:
            self.append(ev)

    def add_batch(self, batch: EventBatch) -> None:
        """Log a batch of events, in order, built when the log is next read."""
        if self._first_batch < 0:
            self._first_batch = len(self._items)
        self._items.append(batch)
        self._n += len(batch)

    def _read(self) -> list[Event]:
        if self._first_batch >= 0:
            tail = self._items[self._first_batch:]
            self._items[self._first_batch:] = [
                e for item in tail for e in (item.events() if item.__class__ is not Event else (item,))]
            self._first_batch = -1
        return self._items

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[no-untyped-def]  # int -> Event, slice -> list
        return self._read()[i]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._read())

    def __reversed__(self) -> Iterator[Event]:
        return reversed(self._read())

    def __repr__(self) -> str:
        return f"EventLog({len(self)} events)"


@dataclass(frozen=True)
class ScheduledEvent:
    """A scenario event scheduled for a quarter.

    A policy event fires when planning for its quarter begins (right after the quarter
    before ends; for quarter 1 when the model is built), before the player decides, and
    locks the levers it sets for that quarter. A shock hits at the quarter's start; the game
    announces it at planning.

    Attributes:
        quarter: 1-based quarter the event is for.
        kind: "policy" (changes levers) or "shock" (changes the world).
        message: What the player is told.
        changes: For "policy": lever -> value.
        shock: For "shock": one of SHOCKS.
        size: Shock size (meaning depends on the shock).
        duration: Quarters a demand shock lasts.
        by: Who imposes a policy event ("the CRO"); empty reads as DEFAULT_BY.
    """

    quarter: int
    kind: str
    message: str
    changes: tuple[tuple[str, Any], ...] = ()
    shock: str = ""
    size: float = 0.0
    duration: int = 1
    by: str = ""

    @property
    def who(self) -> str:
        """Who imposes it, in words ("a scenario event" when the scenario names nobody)."""
        return self.by or DEFAULT_BY


@dataclass(frozen=True)
class Imposition:
    """A lever value a policy event imposes for one quarter: the player may not change it
    in that quarter, and the debrief tells it apart from the player's own choices.

    Attributes:
        lever: The lever's name.
        quarter: The quarter the value is imposed on.
        value: The imposed value.
        message: The event's message.
        by: Who imposed it ("the CRO", or DEFAULT_BY).
    """

    lever: str
    quarter: int
    value: Any
    message: str
    by: str

    def reason(self) -> str:
        """Why the lever cannot be changed, as a player reads it."""
        return f"Imposed for quarter {self.quarter} by {self.by}: {self.message}"


def imposed_summary(who: str, changes: Mapping[str, Any]) -> str:
    """What an event imposed, as the news feed and the pop-up say it: "The CRO imposed: Take
    partner accounts direct: on" (labels and values as `sim.policy.LEVERS` words them)."""
    what = "; ".join(f"{LEVERS[k].label}: {LEVERS[k].fmt(v)}" for k, v in changes.items())
    return f"{who[:1].upper()}{who[1:]} imposed: {what}"


def impositions(events: Iterable[ScheduledEvent]) -> dict[tuple[int, str], Imposition]:
    """What the policy events among `events` impose: (quarter, lever) -> Imposition (a later
    event for the same quarter and lever wins, as it fires later). The model records what it
    fires with this; a saved game is checked against it."""
    out: dict[tuple[int, str], Imposition] = {}
    for ev in events:
        if ev.kind != "policy":
            continue
        for lever, value in ev.changes:
            value = LEVERS[lever].check(value) if lever in LEVERS else value
            out[(ev.quarter, lever)] = Imposition(lever, ev.quarter, value, ev.message, ev.who)
    return out


def check_scheduled(ev: ScheduledEvent) -> None:
    """Check a scheduled event before a run starts.

    Raises:
        PolicyError: An unknown kind, shock or lever, or a bad lever value, naming the quarter.
    """
    if ev.kind == "policy":
        for k, v in ev.changes:
            if k not in LEVERS:
                raise PolicyError(f"scheduled event in quarter {ev.quarter}: unknown lever '{k}'")
            LEVERS[k].check(v)
    elif ev.kind == "shock":
        if ev.shock not in SHOCKS:
            raise PolicyError(
                f"scheduled event in quarter {ev.quarter}: shock '{ev.shock}' is not allowed "
                f"(allowed: {' | '.join(SHOCKS)})"
            )
        problem = shock_size_problem(ev.shock, ev.size)
        if problem:
            raise PolicyError(f"scheduled event in quarter {ev.quarter}: size {problem}")
    else:
        raise PolicyError(f"scheduled event in quarter {ev.quarter}: kind '{ev.kind}' is not allowed "
                          "(allowed: policy | shock)")
