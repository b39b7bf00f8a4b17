"""Ed25519 signatures (RFC 8032), for the village counter's packs: the township signs, the village checks.

The RFC's own reference algorithm (section 6) in plain Python integers. Why not a library: `cryptography` alone
would add 14 MiB to the installed app (issue 21 holds it under 250 MiB) for one signature per pack. Speed is
no concern here (a few milliseconds a signature), and neither are timing side channels: keys are used on the
office's own PC, never behind a service an attacker can time. tests/test_ed25519.py checks the RFC's test
vectors and, where the `cryptography` package is installed (the test tools bring it), agreement with it on
random keys and messages, and that altered messages, signatures and keys fail.
"""

from __future__ import annotations

import hashlib
import secrets

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493  # the order of the base point
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, x·y = T/Z


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_G: Point = (_GX, _GY, 1, _GX * _GY % _P)
_ZERO: Point = (0, 1, 1, 0)


def _add(a: Point, b: Point) -> Point:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    p_, q_ = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    r_, s_ = 2 * t1 * t2 * _D % _P, 2 * z1 * z2 % _P
    e, f, g, h = q_ - p_, s_ - r_, s_ + r_, q_ + p_
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _times(n: int, point: Point) -> Point:
    total = _ZERO
    while n:
        if n & 1:
            total = _add(total, point)
        point = _add(point, point)
        n >>= 1
    return total


def _same(a: Point, b: Point) -> bool:
    return not (a[0] * b[2] - b[0] * a[2]) % _P and not (a[1] * b[2] - b[1] * a[2]) % _P


def _encode(point: Point) -> bytes:
    inverse = pow(point[2], _P - 2, _P)
    x, y = point[0] * inverse % _P, point[1] * inverse % _P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _decode(data: bytes) -> Point | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _hash(data: bytes) -> int:
    return int.from_bytes(hashlib.sha512(data).digest(), "little")


def _expand(private: bytes) -> tuple[int, bytes]:
    if len(private) != 32:
        raise ValueError("Ed25519 private keys are 32 bytes")
    digest = hashlib.sha512(private).digest()
    scalar = int.from_bytes(digest[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    return scalar, digest[32:]


def new_private_key() -> bytes:
    return secrets.token_bytes(32)


def public_key(private: bytes) -> bytes:
    return _encode(_times(_expand(private)[0], _G))


def sign(private: bytes, message: bytes) -> bytes:
    scalar, prefix = _expand(private)
    public = _encode(_times(scalar, _G))
    r = _hash(prefix + message) % _L
    big_r = _encode(_times(r, _G))
    s = (r + _hash(big_r + public + message) % _L * scalar) % _L
    return big_r + s.to_bytes(32, "little")


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decode(public), _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = _hash(signature[:32] + public + message) % _L
    return _same(_times(s, _G), _add(r, _times(h, a)))
