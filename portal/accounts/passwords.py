"""Password hashing with argon2id (OWASP parameters)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# ASVS 2.1.1 / 2.1.2: at least 12 characters, at most 128, no composition rules.
MIN_LENGTH = 12
MAX_LENGTH = 128

# OWASP 2023: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def set_fast_hashing_for_tests():
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
