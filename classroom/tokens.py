"""Secrets of a room: its short code, the teams' keys and the facilitator's key.

The room code keeps strangers from joining by accident and is shown on the projector; the keys
are secrets. Only their hashes are stored (a copied database file gives nobody a seat), and they
are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# no 0/O, 1/I/L: a code read off a projector is typed right the first time
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


def new_code() -> str:
    """A short room code, e.g. "K7QMX"."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    """A secret key for a team or the facilitator (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    """What the store keeps of a key."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_code(given: str, code: str) -> bool:
    """A typed room code matches (case and spaces forgiven), compared in constant time."""
    typed = "".join(given.split()).upper()
    return hmac.compare_digest(typed.encode(), code.encode())


def same_hash(token: str, stored: str) -> bool:
    """A key matches a stored hash, compared in constant time."""
    return hmac.compare_digest(hash_token(token).encode(), stored.encode())
