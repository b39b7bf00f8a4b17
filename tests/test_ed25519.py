"""desktop/ed25519.py against RFC 8032's test vectors, and against the `cryptography` package where installed."""

from __future__ import annotations

import random

import pytest

from desktop import ed25519

# RFC 8032 section 7.1, TEST 1, 2 and 3: private key, public key, message, signature.
VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
        "d25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
        "387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659"
        "4a7c15e9716ed28dc027beceea1ec40a",
    ),
]


@pytest.mark.parametrize(("private", "public", "message", "signature"), VECTORS)
def test_the_rfc_8032_vectors(private, public, message, signature):
    private, public, message, signature = map(bytes.fromhex, (private, public, message, signature))
    assert ed25519.public_key(private) == public
    assert ed25519.sign(private, message) == signature
    assert ed25519.verify(public, message, signature)


def test_anything_altered_fails():
    private = bytes(range(32))
    public, message = ed25519.public_key(private), "数据包：孙桥村爱心超市".encode()
    signature = ed25519.sign(private, message)
    assert ed25519.verify(public, message, signature)
    assert not ed25519.verify(public, message + b" ", signature)
    assert not ed25519.verify(public, message, signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not ed25519.verify(ed25519.public_key(bytes(32)), message, signature)
    assert not ed25519.verify(public, message, signature[:63])
    assert not ed25519.verify(b"\xff" * 32, message, signature)  # not a point
    s_too_big = signature[:32] + (2**253).to_bytes(32, "little")
    assert not ed25519.verify(public, message, s_too_big)


def test_it_agrees_with_the_cryptography_package():
    backend = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    rng = random.Random(25519)
    for _ in range(8):
        private, message = rng.randbytes(32), rng.randbytes(rng.randint(0, 300))
        theirs = backend.Ed25519PrivateKey.from_private_bytes(private)
        assert ed25519.public_key(private) == theirs.public_key().public_bytes_raw()
        assert ed25519.sign(private, message) == theirs.sign(message)
