"""Hostile messages for tests: MIME structures that break or stall Python's email parser, and a From that lies.

- ``nested_multiparts(depth)``: `depth` multiparts, each the only part of the one around it (about 1,000 make the
  parser raise RecursionError);
- ``part_bomb(parts)``: one multipart of `parts` tiny parts (600,000 make a 9 MB message the parser takes over a
  minute and some 300 MB to build).
- ``ATTACK_QUOTE``: an RFC 2047 display name that decodes to `"ana@gmail.com" <ana@gmail.com>,`, so a From of
  `ATTACK_QUOTE <support@our-shop.com>` looks like a message from ana@gmail.com once decoded.
"""

from __future__ import annotations

ATTACK_QUOTE = "=?utf-8?q?=22ana=40gmail=2Ecom=22_=3Cana=40gmail=2Ecom=3E=2C?="


def _head(sender: str, message_id: str, subject: str) -> str:
    return (
        f"From: {sender}\r\nTo: hola@ropadelsur.com.ar\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
    )


def nested_multiparts(
    depth: int,
    *,
    sender: str = "anidado@example.org",
    message_id: str = "<nest@example.org>",
    text: str = "Hola, ¿tienen stock del buzo de lana?",
) -> bytes:
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n' for n in range(depth))
    closing = "".join(f"\r\n--b{n}--" for n in reversed(range(depth)))
    return (
        _head(sender, message_id, "consulta")
        + opening
        + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + text
        + closing
        + "\r\n"
    ).encode()


def part_bomb(parts: int, *, sender: str = "bomba@example.org", message_id: str = "<bomb@example.org>") -> bytes:
    return (
        _head(sender, message_id, "fotos")
        + 'Content-Type: multipart/mixed; boundary="x"\r\n\r\n'
        + "--x\r\n\r\na\r\n" * parts
        + "--x--\r\n"
    ).encode()
