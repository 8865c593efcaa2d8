"""Keyed randomness: the same numbers for the same things, whatever else a run decides.

Why this exists: with one generator feeding every draw, a lever change that alters how
many numbers one mechanism draws shifts every later draw, so two runs on the same seed
differ by luck as much as by the decision (moving enablement from 0.60 to 0.61 changed one
world in ten's 12-quarter partner revenue by 30% or more). A classroom that gives every team
one seed, and a replay that swaps one decision, need differences to come from decisions
(common random numbers; `bench/bench_crn.py` measures it).

So every source of randomness has its own stream, spawned from the seed
(`numpy.random.SeedSequence.spawn`), and every draw is keyed by what it is about: the week,
the rep, the partner, the account, the opportunity. A draw is a pure function of (seed,
stream, ids); nothing is consumed, so partner 7's opportunities in week 30 get the same
numbers whatever other partners do, and an opportunity that exists in two runs is won,
slips or meets a rep on the same numbers in both. Counts, values and cycle lengths are made
from uniforms by inversion, which keeps the coupling monotone: a slightly higher rate adds
an opportunity after the ones both runs share; it does not reshuffle them.

Three tools:

- `Randomness.draws(stream, *ids)`: a `numpy` Generator on the counter-based Philox bit
  generator, keyed by the stream, with the ids in its counter. For draws of a size fixed
  by the world (building the world).
- `Randomness.key(stream, *ids)` with `unit`, `uniforms` and `sequence`: vectorised keyed
  uniforms, one row per item (a rep, a partner, an account, an opportunity), hashed from the
  ids with SplitMix64's finaliser (a bijection on 64 bits); each key starts a SplitMix64
  sequence. For the many small per-item draws a week makes, where a Generator per item (or
  per week) would cost more than the model.
- `draw(key, j)`: the same numbers for one item inside a Python loop (a deal that may slip,
  a partner deal that may meet a rep), in pure Python, cheaper there than a numpy call.

Nothing here keeps state, so reading the model (a snapshot, a forecast) can never change a
later draw, and a run is bit-identical across processes.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv, ndtri

# One stream per source of randomness; a new source gets a new name at the end (appending
# keeps every other stream's numbers). Forecasts, co-selling pairs and scheduled shocks
# draw nothing.
STREAMS: tuple[str, ...] = (
    "world",        # regions' accounts, reps' skill, the partner pool, names
    "direct",       # direct reps' opportunities (count, segment, account, value, cycle, win, co-seller)
    "partner",      # partners' opportunities (count, region, segment, account, value, cycle, win, bounty)
    "launch",       # opportunities new partners bring when they sign
    "expansion",    # customers buying again
    "deals",        # deals slipping (C18)
    "conflict",     # a partner deal meeting a rep, who wins, the rep's odds (C2)
    "takeover",     # accounts and deals taken direct (C1)
    "churn",        # partners leaving (D1-D3)
    "recruiting",   # screening noise, approach order, signing, starting capability, launch deals
    "managers",     # partner managers' skill when hired, and turnover (C20)
    "first_deal",   # first deals a partner manager walks a new partner through (C20)
)

_MASK = (1 << 64) - 1
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_U_M1, _U_M2 = np.uint64(_M1), np.uint64(_M2)
_S11, _S27, _S30, _S31 = (np.uint64(s) for s in (11, 27, 30, 31))
_TO_UNIT, _HALF_CELL = 2.0 ** -53, 2.0 ** -54
_GOLDEN = 0x9E3779B97F4A7C15                       # SplitMix64's increment
_STEPS = np.arange(1, 65, dtype=np.uint64) * np.uint64(_GOLDEN)
_K_TABLE = 8                                        # Poisson counts 0..7 inverted in one pass ...
_VECTOR_FROM = 24                                   # ... when more items than this need them
_PYTHON_UPTO = 64                                   # up to this many items, `poisson_positive` loops
_INV_K = np.concatenate([[0.0], 1.0 / np.arange(1, _K_TABLE)])
_FIRST = np.eye(1, _K_TABLE).ravel()
_MEMO_WEEKS = 13                                    # `keys_by_id` works a quarter at a time


def _mix_int(x: int) -> int:
    """SplitMix64's finaliser on one Python int (a bijection on 64 bits)."""
    x &= _MASK
    x = ((x ^ (x >> 30)) * _M1) & _MASK
    x = ((x ^ (x >> 27)) * _M2) & _MASK
    return x ^ (x >> 31)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on a uint64 array, in place (unsigned arithmetic wraps)."""
    x ^= x >> _S30
    x *= _U_M1
    x ^= x >> _S27
    x *= _U_M2
    x ^= x >> _S31
    return x


def _as_u64(ids: np.ndarray | int) -> np.ndarray:
    """Integer ids as uint64 (negative ids wrap, which keeps them distinct)."""
    a = np.asarray(ids)
    if a.dtype == np.int64 and a.ndim:
        return a.view(np.uint64)
    return np.atleast_1d(a.astype(np.int64).astype(np.uint64) if a.dtype != np.uint64 else a)


def extend(keys: np.ndarray, ids: np.ndarray | int) -> np.ndarray:
    """Keys for items one level down: `keys` mixed with `ids`; `extend(key(s, a), b)` equals
    `key(s, a, b)`, so a key computed once can be refined."""
    return _mix(np.bitwise_xor(keys, _as_u64(ids)))


def unit(keys: np.ndarray) -> np.ndarray:
    """The uniform in (0, 1) a key stands for: the middle of one of 2**53 equal cells."""
    u = (keys >> _S11).astype(np.float64)    # below 2**53: exact
    u *= _TO_UNIT
    u += _HALF_CELL
    return u


def sequence(keys: np.ndarray, n: int, start: np.ndarray | int = 0) -> np.ndarray:
    """Raw 64-bit draws `start+1 .. start+n` of the SplitMix64 sequence each key starts,
    shape (len(keys), n). Column j means the same thing for every item, and an item that
    needs several blocks (a rep's k-th opportunity of a week) takes block k with `start`."""
    steps = _STEPS[:n] if n <= len(_STEPS) else np.arange(1, n + 1, dtype=np.uint64) * _STEPS[0]
    if isinstance(start, np.ndarray):
        keys = keys + _as_u64(start) * _STEPS[0]
    elif start:
        keys = keys + np.uint64((start * _GOLDEN) & _MASK)
    return _mix(keys[:, None] + steps)


def uniforms(keys: np.ndarray, n: int, start: np.ndarray | int = 0) -> np.ndarray:
    """`n` independent uniforms in (0, 1) per key, shape (len(keys), n) (see `sequence`)."""
    return unit(sequence(keys, n, start))


def draw(key: int, j: int) -> float:
    """Uniform `j` (1-based) of the sequence `key` starts, for one item in a Python loop:
    the number `uniforms` gives in column j - 1, without numpy's per-call cost."""
    return (_mix_int(key + j * _GOLDEN) >> 11) * _TO_UNIT + _HALF_CELL


class Randomness:
    """The model's random streams, spawned from its seed; every draw keyed by ids.

    Args:
        seed: The model's seed (None: fresh entropy, not reproducible).
    """

    def __init__(self, seed: int | None) -> None:
        children = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self._philox = {s: c.generate_state(2, np.uint64) for s, c in zip(STREAMS, children, strict=True)}
        self._key = {s: int(c.generate_state(1, np.uint64)[0]) for s, c in zip(STREAMS, children, strict=True)}
        self._memo: dict[tuple[str, int], tuple[int, np.ndarray, np.ndarray | None]] = {}

    def keys_by_id(self, stream: str, week: int, n: int) -> np.ndarray:
        """`key(stream, week, arange(n))`: the week's key for every rep, partner or account,
        computed a quarter of weeks at a time (a memo: the values are those of `key`)."""
        return self._block(stream, week, n)[1][week % _MEMO_WEEKS]

    def units_by_id(self, stream: str, week: int, n: int) -> np.ndarray:
        """`unit(keys_by_id(stream, week, n))`, also worked out a quarter of weeks at a time."""
        memo = self._block(stream, week, n)
        if memo[2] is None:
            memo = self._memo[(stream, n)] = (memo[0], memo[1], unit(memo[1]))
        return memo[2][week % _MEMO_WEEKS]

    def _block(self, stream: str, week: int, n: int) -> tuple[int, np.ndarray, np.ndarray | None]:
        """The memo of `keys_by_id` (and `units_by_id`, once asked for) for `week`'s block."""
        block = week // _MEMO_WEEKS
        memo = self._memo.get((stream, n))
        if memo is None or memo[0] != block:
            first = block * _MEMO_WEEKS
            salts = np.array([self.salt(stream, w) for w in range(first, first + _MEMO_WEEKS)], dtype=np.uint64)
            memo = (block, _mix(np.arange(n, dtype=np.uint64)[None, :] ^ salts[:, None]), None)
            self._memo[(stream, n)] = memo
        return memo

    def draws(self, stream: str, *ids: int) -> np.random.Generator:
        """A Generator for `stream` and up to three integer `ids` (e.g. a part of the world).

        The ids sit in the upper words of Philox's 256-bit counter, which advances in its
        lowest word, so two id tuples never share numbers.
        """
        if len(ids) > 3:
            raise ValueError("draws() takes at most three ids")
        counter = np.zeros(4, dtype=np.uint64)
        counter[1:1 + len(ids)] = [i & _MASK for i in ids]
        return np.random.Generator(np.random.Philox(key=self._philox[stream], counter=counter))

    def salt(self, stream: str, *ids: int) -> int:
        """The stream's key folded with scalar `ids` (a week, a quarter): XOR it into an
        item's key (`int(key) ^ salt`) to start that item's sequence in this stream."""
        h = self._key[stream]
        for i in ids:
            h = _mix_int(h ^ (int(i) & _MASK))
        return h

    def key(self, stream: str, *ids: int | np.ndarray) -> np.ndarray:
        """One 64-bit key per item for `stream` and `ids` (ints, or arrays that broadcast).

        Scalar ids (the week, the quarter) are folded in first, in Python; each array id
        costs one vectorised mix. Use `unit`, `uniforms`, `sequence` or `extend` on the result.
        """
        k = 0
        while k < len(ids) and not isinstance(ids[k], np.ndarray):
            k += 1
        h = np.uint64(self.salt(stream, *ids[:k]))
        if k == len(ids):
            return np.array([h], dtype=np.uint64)
        keys = _mix(_as_u64(ids[k]) ^ h)
        for a in ids[k + 1:]:
            keys = extend(keys, a)
        return keys

    def rekey(self, stream: str, keys: np.ndarray, *ids: int) -> np.ndarray:
        """Keys for a new stream's draws about items that already have keys (an opportunity's
        slip or conflict): `keys` salted with the stream and any scalar `ids` (a quarter).
        Their `sequence` differs from the items' own and from every other stream's."""
        return np.bitwise_xor(keys, np.uint64(self.salt(stream, *ids)))


# ---------------------------------------------------------------- uniforms -> distributions
def poisson(lam: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Poisson counts with means `lam`, by inversion of `u`: a larger mean never gives a
    smaller count for the same uniform."""
    lam = np.asarray(lam, dtype=float)
    counts = np.zeros(lam.shape, dtype=np.int64)
    more, n = poisson_positive(lam, u)
    counts[more] = n
    return counts


def poisson_positive(lam: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`poisson(lam, u)` as the positions of its nonzero counts and those counts: most items
    of a week open nothing, and a caller need not look at them."""
    lam = np.asarray(lam, dtype=float)
    e = np.exp(-lam)                       # P(0): most items of a week stop here
    if lam.ndim == 1 and len(lam) <= _PYTHON_UPTO:
        # a small scale's few reps or partners: scanned in Python (no numpy call per step)
        which: list[int] = []
        counts: list[int] = []
        for j, (a, b, c) in enumerate(zip(lam.tolist(), np.asarray(u).tolist(), e.tolist(), strict=True)):
            if b >= c:
                which.append(j)
                counts.append(_poisson_walk(a, b, c))
        return np.array(which, dtype=np.int64), np.array(counts, dtype=np.int64)
    more = np.nonzero(u >= e)[0]
    if len(more) <= _VECTOR_FROM:
        return more, np.array([_poisson_walk(a, b, c) for a, b, c in zip(
            lam[more].tolist(), u[more].tolist(), e[more].tolist(), strict=True)], dtype=np.int64)
    # the CDF at 0..7 for many items at once, by the same arithmetic as `_poisson_walk`
    lm, um, em = lam[more], u[more], e[more]
    cdf = np.add.accumulate(np.multiply.accumulate(lm[:, None] * _INV_K + _FIRST, axis=1) * em[:, None], axis=1)
    counts = (um[:, None] >= cdf).sum(axis=1)
    for j in np.nonzero(counts == _K_TABLE)[0].tolist():
        counts[j] = _poisson_walk(float(lm[j]), float(um[j]), float(em[j]))
    return more, counts


def _poisson_walk(lam: float, u: float, e: float) -> int:
    """The Poisson count `u` inverts to, one count at a time (exactly the vectorised sums)."""
    k, ratio, cdf = 0, 1.0, e
    while u >= cdf:
        k += 1
        ratio *= lam * (1.0 / k)
        step = ratio * e
        if cdf + step == cdf:      # the tail vanished in float rounding: no further count
            break
        cdf += step
    return k


def normal(u: np.ndarray) -> np.ndarray:
    """Standard normal quantiles of uniforms `u` in (0, 1)."""
    return ndtri(u)


def lognormal(mu: float, sigma: float | np.ndarray, u: np.ndarray) -> np.ndarray:
    """Lognormal draws (the log has mean `mu` and sd `sigma`) from uniforms `u`."""
    return np.exp(mu + sigma * normal(u))


def gamma(shape: float, scale: np.ndarray | float, u: np.ndarray) -> np.ndarray:
    """Gamma draws from uniforms `u` of shape (n, m), exact for any shape.

    A whole shape no larger than `m` is the sum of that many exponentials (cheap); any
    other shape is the inverse CDF of the first column.
    """
    k = int(shape)
    if k == shape and 1 <= k <= u.shape[1]:
        return -np.log(np.multiply.reduce(u[:, :k], axis=1)) * scale     # `np.prod`, without its wrapper
    return gammaincinv(shape, u[:, 0]) * scale


def index(n: np.ndarray | int, u: np.ndarray) -> np.ndarray:
    """An index in 0..n-1 from uniforms (n may vary per item)."""
    return np.minimum((u * n).astype(np.int64), np.maximum(np.asarray(n) - 1, 0))


def categorical(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A category per row from cumulative weights `cum` (rows ascending) and uniforms `u`."""
    return np.minimum((u[:, None] * cum[:, -1:] >= cum).sum(axis=1), cum.shape[1] - 1)
