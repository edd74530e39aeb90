"""The reply the sender writes by hand (`write_reply`) is the one the email package wrote (`build_reply`, as the
sender sent it before): every header, in order, and the body, as a mail program reads them; the same recipient and
Message-ID; and lines a mail server takes (CRLF, at most 998 bytes)."""

from __future__ import annotations

import email
import email.policy
import random

import pytest
from sender import compose
from sender.compose import MESSAGE_ID, build_reply, write_reply

ORIGINAL = (
    b"From: Ana <ana@example.com>\r\nTo: hola@ropadelsur.com.ar\r\nSubject: Consulta\r\n"
    b"Message-ID: <pregunta-1@example.com>\r\nReferences: <older@example.com>\r\n\r\nHola, una consulta.\r\n"
)
ORIGINAL_ID = "<pregunta-1@example.com>"
SHOP = "Ropa del Sur <hola@ropadelsur.com.ar>"
SPANISH = (
    "¡Hola Ana!\n\nHacemos envíos a todo el país con Correo Argentino y Andreani, a tu domicilio o a la sucursal que "
    "elijas (retirás con tu DNI). En CABA y GBA llegan en 24 a 72 h hábiles y al resto del país en 3 a 7 días "
    "hábiles desde el despacho.\n\nSaludos,\nEl equipo de Ropa del Sur\nhttps://ropadelsur.com.ar"
)


def references(*ids: str) -> bytes:
    return ORIGINAL.replace(b"<older@example.com>", " ".join(ids).encode())


# (original, original Message-ID, recipient, subject, body, reply From)
CASES = {
    "ascii": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "Consulta envio", "Hola Ana,\nsi, tenemos talle M.\n", SHOP),
    "spanish-short-lines": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "Envío a Córdoba", "¡Hola!\nSí, hay.", SHOP),
    "spanish-faq-answer": (ORIGINAL, ORIGINAL_ID, "Ana@Example.COM", "Consulta por cuotas", SPANISH, SHOP),
    "spanish-many-lines": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "Talles", (SPANISH + "\n") * 4, SHOP),
    "english": (ORIGINAL, ORIGINAL_ID, "bob@example.org", "Shipping to Rosario?", "Hi Bob,\n" + "We ship. " * 40, SHOP),
    "base64-body": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "Заказ", "Здравствуйте! " * 30, SHOP),
    "very-long-line": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "palabra " * 2000, SHOP),
    "very-long-word": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "a" * 5000, SHOP),
    "empty-body": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "", "", SHOP),
    "body-line-ends": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "uno\r\ndos\rtres\n\n\ncuatro\n", SHOP),
    "body-dots-and-from": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", ".\n..punto\nFrom here\n=?utf-8?q?x?=", SHOP),
    "body-trailing-spaces": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "hola   \n\tchau\t\n" + "é" * 90, SHOP),
    "body-controls": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "nul\x00 bell\x07 ff\x0c ls\u2028 nel\x85", SHOP),
    "subject-crlf": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "hola\r\nBcc: otro@example.org", "ok", SHOP),
    "subject-encoded-crlf": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "hi=0D=0ABcc: x", "ok", SHOP),
    "subject-like-encoded-word": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "=?utf-8?q?hola?=", "ok", SHOP),
    "subject-bidi-and-long": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "Pedido \u202efdp.exe\u202c " * 20, "ok", SHOP),
    "subject-already-re": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "RE: consulta", "ok", SHOP),
    "subject-tabs-and-spaces": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "  a\t\tb  ", "ok", SHOP),
    "no-references": (ORIGINAL.replace(b"References", b"X-Old"), ORIGINAL_ID, "ana@example.com", "x", "ok", SHOP),
    "no-message-id": (ORIGINAL, "", "ana@example.com", "x", "ok", SHOP),
    "many-references": (
        references(*(f"<id-{n}.abcdefghijklmnopqrstuvwxyz@mail.example.com>" for n in range(30))),
        ORIGINAL_ID,
        "ana@example.com",
        "x",
        "ok",
        SHOP,
    ),
    "long-reference-id": (
        references("<" + "b" * 300 + "@x>", "<a@x>"),
        ORIGINAL_ID,
        "ana@example.com",
        "x",
        "ok",
        SHOP,
    ),
    "huge-reference-id": (references("<" + "b" * 3000 + "@x>"), ORIGINAL_ID, "ana@example.com", "x", "ok", SHOP),
    "non-ascii-message-id": (ORIGINAL, "<pregúnta-1@exámple.com>", "ana@example.com", "x", "ok", SHOP),
    "message-id-like-encoded-word": (ORIGINAL, "<=?utf-8?q?a?=@example.com>", "ana@example.com", "x", "ok", SHOP),
    "recipient-quoted-local-part": (ORIGINAL, ORIGINAL_ID, '"john doe"@example.com', "x", "ok", SHOP),
    "recipient-needless-quotes": (ORIGINAL, ORIGINAL_ID, '"john"@example.com', "x", "ok", SHOP),
    "recipient-non-ascii": (ORIGINAL, ORIGINAL_ID, "jöe@exämple.com", "x", "ok", SHOP),
    "recipient-like-encoded-word": (ORIGINAL, ORIGINAL_ID, "=?utf-8?q?a?=@example.com", "x", "ok", SHOP),
    "recipient-domain-literal": (ORIGINAL, ORIGINAL_ID, "ana@[192.0.2.1]", "x", "ok", SHOP),
    "recipient-very-long": (ORIGINAL, ORIGINAL_ID, "a" * 64 + "@" + "sub." * 60 + "example.com", "x", "ok", SHOP),
    "recipient-with-crlf": (ORIGINAL, ORIGINAL_ID, "ana@example.com\r\nBcc: x@example.org", "x", "ok", SHOP),
    "no-recipient": (ORIGINAL, ORIGINAL_ID, "", "x", "ok", SHOP),
    "from-bare-address": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "ok", "hola@ropadelsur.com.ar"),
    "from-spanish-name": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "ok", "Tienda Ñandú <hola@nandu.com.ar>"),
    "from-very-long-name": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "ok", "Ropa del Sur " * 20 + "<h@x.com>"),
    "from-quoted-name": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "ok", '"Ropa, del Sur" <hola@x.com>'),
    "from-non-ascii-domain": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "ok", "Ñandú <hola@ñandu.com.ar>"),
    "from-with-crlf": (ORIGINAL, ORIGINAL_ID, "ana@example.com", "x", "ok", "Shop <h@x.com>\r\nBcc: x@example.org"),
    "original-without-body": (
        b"From: a@example.com\r\nReferences: <r@x>",
        ORIGINAL_ID,
        "a@example.com",
        "x",
        "ok",
        SHOP,
    ),
    "original-lf-only": (ORIGINAL.replace(b"\r\n", b"\n"), ORIGINAL_ID, "ana@example.com", "x", "ok", SHOP),
}

# Pieces that random cases are made of: one of each part at a time, a few hundred combinations.
SUBJECTS = ["", "Consulta", "Envío", "a" * 90, "uno dos " * 12, "=?x?q?y?=", "hola\nchau", "€uro…", "Re: re: re"]
BODIES = ["", "ok", "línea\n" * 20, "x" * 100, "ñ" * 60, "é " * 200, "日本語の本文" * 20, "a\r\n.\r\nb", "=" * 100]
RECIPIENTS = ["ana@example.com", "a.b+c@example.co.uk", '"a b"@x.com', "ñ@x.com", "a@b", "x" * 70 + "@example.com"]
FROMS = [SHOP, "hola@x.com", "Ñandú <h@x.com>", "Ropa del Sur y Compañía Limitada de Buenos Aires <ventas@x.com.ar>"]
IDS = [ORIGINAL_ID, "", "<a@b> <c@d>", "<" + "z" * 80 + "@x>", "<ñ@x>"]


def random_cases(count: int) -> dict[str, tuple]:
    rng = random.Random(5322)
    return {
        f"random-{n}": (
            ORIGINAL,
            rng.choice(IDS),
            rng.choice(RECIPIENTS),
            rng.choice(SUBJECTS),
            rng.choice(BODIES),
            rng.choice(FROMS),
        )
        for n in range(count)
    }


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    # Both writers are called one after the other: the same Date for both, whatever the clock does in between.
    monkeypatch.setattr(compose, "_date_now", lambda: "Mon, 02 Mar 2026 12:00:00 +0000")


def written(case: tuple) -> tuple[str, object]:
    try:
        return "ok", write_reply(*case)
    except Exception as exc:  # noqa: BLE001 - what the old writer raised, the new one must raise too
        return "raised", type(exc)


def old(case: tuple) -> tuple[str, object]:
    try:
        reply = build_reply(*case)
        return "ok", (reply, reply.as_bytes())
    except Exception as exc:  # noqa: BLE001
        return "raised", type(exc)


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("case", [*CASES.values(), *random_cases(300).values()], ids=[*CASES, *random_cases(300)])
def test_the_reply_written_by_hand_reads_as_the_email_package_wrote_it(case):
    old_outcome, old_result = old(case)
    new_outcome, new_result = written(case)
    assert new_outcome == old_outcome
    if old_outcome == "raised":
        assert new_result == old_result or issubclass(new_result, old_result)
        return
    reply, old_raw = old_result
    new = new_result
    assert new.recipient == str(reply["To"])  # the address RCPT TO names
    assert new.message_id == str(reply["Message-ID"])
    before, after = parsed(old_raw), parsed(new.raw)
    assert [(name, str(value)) for name, value in after.items() if name not in THREADING] == [
        (name, str(value)) for name, value in before.items() if name not in THREADING
    ]
    # The threading headers hold the same ids, each one readable as an id (never inside an encoded word).
    original_raw, original_message_id, recipient, subject, _body, reply_from = case
    threading = dict(compose.reply_headers(original_raw, original_message_id, recipient, subject, reply_from))
    for name in THREADING:
        value = threading.get(name)
        if value is None or not (value.isascii() and value.isprintable()):
            assert str(after.get(name)) == str(before.get(name))  # written by the email package, as before
            continue
        fits = [i for i in value.split() if len(name) + 2 + len(i) <= 998]
        assert MESSAGE_ID.findall(raw_header(new.raw, name)) == fits
    assert after.get_content() == before.get_content()
    assert after.defects == before.defects
    # The body is written byte for byte as before: the same transfer encoding, the same line breaks.
    assert new.raw.split(b"\r\n\r\n", 1)[1] == old_raw.split(b"\r\n\r\n", 1)[1]
    # Headers folded at RFC 5322's 78 characters, unless a word is longer (the email package's lines say how long);
    # a message id cannot be folded, so its line is as long as it is, and never over RFC 5322's 998.
    assert longest_header_line(new.raw, but=THREADING) <= max(78, longest_header_line(old_raw, but=THREADING))
    assert longest_header_line(new.raw) <= 998


THREADING = ("In-Reply-To", "References")


def raw_header(raw: bytes, name: str) -> str:
    """A header's text as written, its folds joined (not decoded)."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace").replace("\r\n ", " ").replace("\r\n\t", " ")
    return next(
        (line.split(":", 1)[1] for line in head.split("\r\n") if line.lower().startswith(name.lower() + ":")), ""
    )


def test_outlook_message_ids_thread_the_reply():
    outlook_id = "<SN6PR04MB4846A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4@SN6PR04MB4846.namprd04.prod.outlook.com>"
    original = f"From: Ana <ana@outlook.com>\r\nMessage-ID: {outlook_id}\r\nSubject: Consulta\r\n\r\nhola\r\n"
    reply = write_reply(original.encode(), outlook_id, "ana@outlook.com", "Consulta", "Hola", SHOP)
    head = reply.raw.split(b"\r\n\r\n", 1)[0]
    assert f"In-Reply-To: {outlook_id}\r\n".encode() in head + b"\r\n"
    assert b"=?" not in head.split(b"In-Reply-To")[1]
    assert MESSAGE_ID.findall(raw_header(reply.raw, "References")) == [outlook_id]


def longest_header_line(raw: bytes, but: tuple[str, ...] = ()) -> int:
    """The longest line of the header block, leaving out the headers named in `but` (and their folded lines)."""
    longest, skipping = 0, False
    for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if not line[:1].isspace():
            skipping = any(line.lower().startswith(name.lower().encode() + b":") for name in but)
        if not skipping:
            longest = max(longest, len(line))
    return longest


@pytest.mark.parametrize("case", [*CASES.values(), *random_cases(300).values()], ids=[*CASES, *random_cases(300)])
def test_every_line_a_mail_server_gets_ends_in_crlf_and_fits(case):
    outcome, new = written(case)
    if outcome == "raised":
        return
    head, _, body = new.raw.partition(b"\r\n\r\n")
    assert head.isascii()
    for part in (head, body):
        lines = part.split(b"\r\n")
        assert not any(b"\r" in line or b"\n" in line for line in lines)
        assert all(len(line) <= 998 for line in lines)


def test_the_reply_keeps_every_header_it_had():
    reply = parsed(write_reply(*CASES["spanish-faq-answer"]).raw)
    assert list(reply.keys()) == [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "Auto-Submitted",
        "X-Auto-Response-Suppress",
        "Precedence",
        "X-Replyflow-Reply",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    ]
    assert reply["From"] == SHOP
    assert reply["To"] == "Ana@Example.COM"
    assert reply["Subject"] == "Re: Consulta por cuotas"
    assert reply["In-Reply-To"] == ORIGINAL_ID
    assert reply["References"] == f"<older@example.com> {ORIGINAL_ID}"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["Content-Transfer-Encoding"] == "quoted-printable"
    assert reply.get_content().replace("\r\n", "\n").rstrip("\n") == SPANISH


def test_only_the_header_block_of_the_original_is_read():
    # A body line that looks like a header never becomes one of the original's References.
    original = ORIGINAL + b"References: <from-the-body@example.com>\r\n"
    assert (
        "from-the-body"
        not in parsed(write_reply(original, ORIGINAL_ID, "a@example.com", "x", "ok", SHOP).raw)["References"]
    )
    assert compose.header_block(ORIGINAL).endswith(b"<older@example.com>\r\n\r\n")
    assert compose.header_block(b"From: a@example.com") == b"From: a@example.com"
