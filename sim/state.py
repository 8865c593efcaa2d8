"""Numeric state held in numpy arrays: accounts, reps, partner firms, open opportunities.

Agents are views onto these rows. Keeping numbers in arrays lets the weekly sales
motion run vectorised, so a 40-quarter run stays well under a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim import params as P

SEGMENTS: tuple[str, ...] = ("enterprise", "mid_market", "smb")
ENTERPRISE, MID, SMB = 0, 1, 2
DIRECT = -2   # account owner code: the direct team
NO_OWNER = -1


def remembered(owner: object, name: str, key: tuple, make: Callable[[], np.ndarray]) -> np.ndarray:
    """`make()`, kept on `owner` under `name` and handed out again while `key` is unchanged.

    For arrays a week needs whose inputs change only now and then (at a quarter's end, when
    a partner signs): `key` holds those inputs themselves, as bytes and numbers, so a change
    to any of them, however it was made, brings a fresh value. The array is shared, so it
    is read-only.
    """
    memos = owner.__dict__.setdefault("_remembered", {})
    hit = memos.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = make()
    value.flags.writeable = False
    memos[name] = (key, value)
    return value


class Market:
    """Regions and target accounts.

    Attributes:
        n_home: Home regions (direct territory) come first: 0..n_home-1.
        n_regions: Home plus new markets.
        region: Region of each account.
        segment: Segment of each account.
        owner: NO_OWNER, DIRECT, or the partner row that owns the customer relationship.
        customer: Whether the account has bought.
        expansion_mult: Repeat-business rate multiplier (falls when an account is taken direct).
        awareness: Brand awareness per region (1 in home markets; grows with references in new ones).
        references: Won customers per region.
    """

    def __init__(self, rng: np.random.Generator, n_home: int, n_new: int, per_region: int) -> None:
        self.n_home = n_home
        self.n_regions = n_home + n_new
        n = per_region * self.n_regions
        self.region = np.repeat(np.arange(self.n_regions), per_region)
        self.segment = rng.choice(3, size=n, p=list(P.ACCOUNT_SEGMENT_MIX))
        self.owner = np.full(n, NO_OWNER, dtype=np.int64)
        self.customer = np.zeros(n, dtype=bool)
        self.expansion_mult = np.ones(n)
        self.awareness = np.where(np.arange(self.n_regions) < n_home, 1.0, P.AWARENESS_START)
        self.references = np.zeros(self.n_regions)
        self.is_home = np.arange(self.n_regions) < n_home
        # account lists per (region, segment) for drawing the account an opportunity is on
        self.pool = {
            (r, s): np.nonzero((self.region == r) & (self.segment == s))[0]
            for r in range(self.n_regions) for s in range(3)
        }
        for key, pool in self.pool.items():   # a segment with no account falls back to the region
            if len(pool) == 0:
                self.pool[key] = np.nonzero(self.region == key[0])[0]
        width = max(len(v) for v in self.pool.values())
        self._pool_size = np.zeros((self.n_regions, 3), dtype=np.int64)
        self._pool_pad = np.zeros((self.n_regions, 3, width), dtype=np.int64)
        for (r, s), pool in self.pool.items():
            self._pool_size[r, s] = len(pool)
            self._pool_pad[r, s, : len(pool)] = pool

    def draw_accounts(self, u: np.ndarray, region: np.ndarray, segment: np.ndarray) -> np.ndarray:
        """The accounts uniforms `u` pick among those of the given segments in the given
        regions (vectorised; one uniform per opportunity, see `sim.randomness`)."""
        sizes = self._pool_size[region, segment]
        pick = np.minimum((u * sizes).astype(np.int64), sizes - 1)
        return self._pool_pad[region, segment, pick]


@dataclass
class RepArrays:
    """Direct reps, one row each."""

    region: np.ndarray
    skill: np.ndarray
    quota: np.ndarray
    capacity: np.ndarray
    bookings_q: np.ndarray


@dataclass
class PartnerArrays:
    """Partner firms (the whole addressable pool), one row each."""

    ptype: np.ndarray
    size: np.ndarray
    fit: np.ndarray
    regions: np.ndarray          # (n, n_regions) bool
    rhythm_phase: np.ndarray
    rhythm_amp: np.ndarray
    n: int = 0
    stage: np.ndarray = field(init=False)
    capability: np.ndarray = field(init=False)
    mindshare: np.ndarray = field(init=False)
    s_econ: np.ndarray = field(init=False)
    s_soc: np.ndarray = field(init=False)
    attention: np.ndarray = field(init=False)
    manager: np.ndarray = field(init=False)
    signed_week: np.ndarray = field(init=False)
    first_deal_week: np.ndarray = field(init=False)
    quarters_enrolled: np.ndarray = field(init=False)
    quarters_since_deal: np.ndarray = field(init=False)
    courting: np.ndarray = field(init=False)
    content_backlog: np.ndarray = field(init=False)
    content_delivered: np.ndarray = field(init=False)
    overload: np.ndarray = field(init=False)
    push_quarters: np.ndarray = field(init=False)
    bounty_novelty: np.ndarray = field(init=False)
    revenue_q: np.ndarray = field(init=False)
    income_q: np.ndarray = field(init=False)
    revenue_prev_q: np.ndarray = field(init=False)
    revenue_total: np.ndarray = field(init=False)
    wins_q: np.ndarray = field(init=False)
    opps_q: np.ndarray = field(init=False)
    conflicts_q: np.ndarray = field(init=False)
    conflicts_recent: np.ndarray = field(init=False)
    deals_lost_to_direct: np.ndarray = field(init=False)
    takeovers_q: np.ndarray = field(init=False)
    takeovers_recent: np.ndarray = field(init=False)
    last_conflict_region: np.ndarray = field(init=False)
    wins_total: np.ndarray = field(init=False)
    opps_total: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.ptype)
        self.n = n
        f = lambda v=0.0: np.full(n, v, dtype=float)
        i = lambda v=0: np.full(n, v, dtype=np.int64)
        self.stage = i(0)
        self.capability = f()
        self.mindshare = f()
        self.s_econ = f(P.SATISFACTION_START)
        self.s_soc = f(P.SATISFACTION_START)
        self.attention = f()
        self.manager = i(-1)
        self.signed_week = i(-1)
        self.first_deal_week = i(-1)
        self.quarters_enrolled = i()
        self.quarters_since_deal = i()
        self.courting = i()
        self.content_backlog = f()
        self.content_delivered = f()
        self.overload = f()
        self.push_quarters = i()
        self.bounty_novelty = f()
        self.revenue_q = f()
        self.income_q = f()
        self.revenue_prev_q = f()
        self.revenue_total = f()
        self.wins_q = i()
        self.opps_q = i()
        self.conflicts_q = i()
        self.conflicts_recent = f()
        self.deals_lost_to_direct = f()
        self.takeovers_q = i()
        self.takeovers_recent = f()
        self.last_conflict_region = i(-1)
        self.wins_total = i()
        self.opps_total = i()


class Pipeline:
    """Open opportunities, as growable column arrays, bucketed by close week."""

    COLUMNS = {
        "channel": np.int64,     # -1 direct, else partner row
        "rep": np.int64,         # rep row involved (-1 if none)
        "region": np.int64,
        "account": np.int64,
        "segment": np.int64,
        "value": float,          # list value (USD)
        "p_win": float,
        "won": bool,             # latent outcome, drawn when the opportunity opens
        "created": np.int64,
        "close": np.int64,
        "cosell": np.int64,      # partner row co-selling a direct deal, else -1
        "kind": np.int64,        # 0 new business, 1 expansion
        "bounty": bool,
        "slipped": bool,
        "conflict": bool,
        "key": np.uint64,        # random key: later draws about it (slip, conflict) are keyed by it
    }

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.cols = {k: np.zeros(capacity, dtype=t) for k, t in self.COLUMNS.items()}
        self.due: dict[int, list[int]] = {}

    def add(self, close_week: int, **values) -> int:
        """Add one opportunity; returns its row."""
        if self.n == len(self.cols["value"]):
            for k, arr in self.cols.items():
                self.cols[k] = np.concatenate([arr, np.zeros_like(arr)])
        row = self.n
        self.n += 1
        for k, v in values.items():
            self.cols[k][row] = v
        self.cols["close"][row] = close_week
        self.due.setdefault(close_week, []).append(row)
        return row

    def add_many(self, close_weeks: np.ndarray, **values: np.ndarray) -> np.ndarray:
        """Add a batch of opportunities; returns their rows."""
        k = len(close_weeks)
        while self.n + k > len(self.cols["value"]):
            for name, arr in self.cols.items():
                self.cols[name] = np.concatenate([arr, np.zeros_like(arr)])
        first = self.n
        self.n += k
        rows = slice(first, self.n)     # the new rows are consecutive: a slice writes them cheapest
        cols = self.cols
        for name, v in values.items():
            cols[name][rows] = v
        cols["close"][rows] = close_weeks
        due = self.due
        for row, w in enumerate(close_weeks.tolist(), first):
            bucket = due.get(w)
            if bucket is None:
                due[w] = [row]
            else:
                bucket.append(row)
        return np.arange(first, self.n)

    def reschedule(self, row: int, close_week: int) -> None:
        self.cols["close"][row] = close_week
        self.due.setdefault(close_week, []).append(row)

    def open_rows(self, first_week: int, last_week: int) -> list[int]:
        """Rows due to close in weeks first_week..last_week."""
        rows: list[int] = []
        for w in range(first_week, last_week + 1):
            rows.extend(self.due.get(w, ()))
        return rows
