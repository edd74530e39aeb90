"""The MIME structure guard: part bombs and deep nests are refused on the raw bytes, before Python's email parser
builds them; real mail passes. Pure functions, no servers.

Real mail written by others is read from ../shared/corpora (REPLYFLOW_CORPORA overrides the folder); the test
that needs it skips with a clear message when it is absent.
"""

from __future__ import annotations

import email
import email.policy
import os
import random
from email.message import EmailMessage
from pathlib import Path

import pytest
from classifier import mime_guard
from classifier.mime_guard import MAX_MIME_DEPTH, MAX_MIME_PARTS, Unparseable, parse_message, structure_problem

ROOT = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("REPLYFLOW_CORPORA", ROOT.parent / "shared" / "corpora"))
NOT_MESSAGES = ("LICENSE", "README", "NOTICE", "MIT-LICENSE")
HEAD = b"From: Ana <ana@example.com>\r\nTo: hola@shop.example\r\nSubject: consulta\r\nMessage-ID: <1@example.com>\r\n"


def flat(
    parts: int,
    *,
    eol: bytes = b"\r\n",
    content_type: bytes = b"Content-Type: multipart/mixed; boundary=b",
    boundary: bytes = b"b",
    body: bytes = b"x",
) -> bytes:
    """A multipart/mixed message with `parts` tiny text parts."""
    head = HEAD.replace(b"\r\n", eol) + content_type + eol + eol
    part = b"--" + boundary + eol + b"Content-Type: text/plain" + eol + eol + body + eol
    return head + part * parts + b"--" + boundary + b"--" + eol


def nest(depth: int) -> bytes:
    """`depth` multiparts, each the only part of the one around it."""
    levels = b"".join(b"Content-Type: multipart/mixed; boundary=n%d\r\n\r\n--n%d\r\n" % (i, i) for i in range(depth))
    return HEAD + levels + b"Content-Type: text/plain\r\n\r\nhola\r\n"


def parser_part_count(raw: bytes) -> int:
    """The parts of every multipart (and the paragraphs of a delivery status) the parser builds."""
    return _parser_shape(parse_message(raw))[0]


def customer_mail() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Ana Gómez <ana@example.com>"
    msg["To"] = "hola@shop.example"
    msg["Subject"] = "Fotos del pedido 1234"
    msg.set_content("Hola,\n\nles mando las fotos del pedido.\n\n--\nAna\n")
    msg.add_alternative(
        "<div dir='ltr'>Hola,<br><br>les mando las <b>fotos</b> del pedido.<br>-- <br>Ana</div>", subtype="html"
    )
    for i in range(12):
        msg.add_attachment(bytes(range(256)) * 40, maintype="image", subtype="jpeg", filename=f"foto-{i}.jpg")
    msg.add_attachment(b"%PDF-1.4 factura", maintype="application", subtype="pdf", filename="factura.pdf")
    return msg


# ------------------------------------------------------------------------------------------- bombs are refused


def test_a_thousand_nested_multiparts_are_refused():
    raw = nest(1000)
    assert structure_problem(raw) == f"MIME parts nested more than {MAX_MIME_DEPTH} levels deep"
    with pytest.raises(Unparseable) as caught:
        parse_message(raw)  # what the guard spares the parser from
    assert "\n" not in str(caught.value)


def part_bomb() -> bytes:
    """600,000 parts of 15 bytes: 9 MB that take the parser over a minute and some 300 MB to build."""
    return (
        HEAD + b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + b"--b\r\n\r\nxxxxxx\r\n" * 600_000 + b"--b--\r\n"
    )


def test_a_part_bomb_of_600_000_parts_is_refused():
    raw = part_bomb()
    assert 9_000_000 <= len(raw) < 9_100_000
    assert structure_problem(raw) == f"more than {MAX_MIME_PARTS} MIME parts"


def test_the_limits_are_exact():
    at_parts, over_parts = flat(MAX_MIME_PARTS), flat(MAX_MIME_PARTS + 1)
    assert parser_part_count(at_parts) == MAX_MIME_PARTS
    assert structure_problem(at_parts) is None
    assert structure_problem(over_parts) == f"more than {MAX_MIME_PARTS} MIME parts"
    assert structure_problem(nest(MAX_MIME_DEPTH)) is None
    assert structure_problem(nest(MAX_MIME_DEPTH + 1)) == f"MIME parts nested more than {MAX_MIME_DEPTH} levels deep"


@pytest.mark.parametrize(
    "content_type, boundary",
    [
        (b'Content-Type: multipart/mixed; boundary="quoted b"', b"quoted b"),
        (b"Content-Type: multipart/mixed; boundary=unquoted", b"unquoted"),
        (b"content-type: MULTIPART/Mixed; BOUNDARY=lower", b"lower"),
        (b'CONTENT-TYPE: multipart/mixed;\r\n\tboundary="folded"', b"folded"),
        (b'Content-Type: multipart/mixed;\r\n boundary=\r\n "folded-twice"', b"folded-twice"),
        (b"Content-Type: multipart/mixed; boundary*=us-ascii''rfc2231", b"rfc2231"),
        (b"Content-Type: multipart/mixed; boundary*0=split; boundary*1=-in-two", b"split-in-two"),
        # an encoded word is not decoded in a parameter (compat32, the policy the classifier parses with): the guard
        # reads the boundary as those literal characters too
        (b'Content-Type: multipart/mixed; boundary="=?utf-8?q?encoded?="', b"=?utf-8?q?encoded?="),
        (b'Content-Type: multipart/mixed; boundary="a.b*c+d?(e)[f]|g"', b"a.b*c+d?(e)[f]|g"),
        (b'Content-Type: multipart/mixed; boundary="----=_Part_0_123.456"', b"----=_Part_0_123.456"),
    ],
    ids=[
        "quoted",
        "unquoted",
        "case",
        "folded",
        "folded-twice",
        "rfc2231",
        "rfc2231-continued",
        "encoded-word",
        "regex-characters",
        "javamail",
    ],
)
@pytest.mark.parametrize("eol", [b"\r\n", b"\n", b"\r"], ids=["crlf", "lf", "cr"])
def test_every_way_of_declaring_a_boundary_is_read_as_the_parser_reads_it(content_type, boundary, eol):
    content_type = content_type.replace(b"\r\n", eol)
    at_limit = flat(MAX_MIME_PARTS, eol=eol, content_type=content_type, boundary=boundary)
    assert parser_part_count(at_limit) == MAX_MIME_PARTS
    assert structure_problem(at_limit) is None
    over = flat(MAX_MIME_PARTS + 1, eol=eol, content_type=content_type, boundary=boundary)
    assert structure_problem(over) == f"more than {MAX_MIME_PARTS} MIME parts"


def test_parts_inside_an_attached_message_count():
    inner = flat(150).replace(b"boundary=b", b"boundary=inner").replace(b"--b", b"--inner")
    outer = (
        HEAD
        + b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
        + b"--outer\r\nContent-Type: text/plain\r\n\r\nte reenvio esto\r\n" * 60
        + b"--outer\r\nContent-Type: message/rfc822\r\n\r\n"
        + inner
        + b"--outer--\r\n"
    )
    assert parser_part_count(outer) > MAX_MIME_PARTS
    assert structure_problem(outer) == f"more than {MAX_MIME_PARTS} MIME parts"


def test_nesting_through_attached_messages_counts():
    raw = b"Content-Type: text/plain\r\n\r\nhola\r\n"
    for i in range(MAX_MIME_DEPTH):  # each forward: a multipart/mixed holding a message/rfc822
        raw = (
            HEAD
            + b"Content-Type: multipart/mixed; boundary=f%d\r\n\r\n--f%d\r\n" % (i, i)
            + b"Content-Type: message/rfc822\r\n\r\n"
            + raw
            + b"--f%d--\r\n" % i
        )
    assert structure_problem(raw) == f"MIME parts nested more than {MAX_MIME_DEPTH} levels deep"


def test_a_digest_of_messages_counts_its_parts_and_their_depth():
    # a multipart/digest's parts are messages even without a Content-Type of their own
    message = b"Content-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\n\r\nhola\r\n--alt--\r\n"
    digest = HEAD + b"Content-Type: multipart/digest; boundary=d\r\n\r\n" + b"--d\r\n\r\n" + message
    assert structure_problem(digest + b"--d--\r\n") is None
    many = HEAD + b"Content-Type: multipart/digest; boundary=d\r\n\r\n" + (b"--d\r\n\r\n" + message) * 101
    assert parser_part_count(many) == 202
    assert structure_problem(many) == f"more than {MAX_MIME_PARTS} MIME parts"


def test_a_closing_line_swallowed_by_the_parser_does_not_end_the_count():
    # after a delimiter line the parser skips the delimiter lines that follow, the closing one included
    raw = (
        HEAD
        + b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        + b"--b\r\n--b--\r\nContent-Type: text/plain\r\n\r\nx\r\n" * (MAX_MIME_PARTS + 1)
    )
    assert parser_part_count(raw) == MAX_MIME_PARTS + 1
    assert structure_problem(raw) == f"more than {MAX_MIME_PARTS} MIME parts"


def test_a_delimiter_line_belongs_to_the_outermost_multipart_it_matches():
    # a part that declares its parent's boundary again gets no parts of its own: the parent takes every line
    raw = (
        HEAD
        + b"Content-Type: multipart/mixed; boundary=same\r\n\r\n"
        + (b"--same\r\nContent-Type: multipart/mixed; boundary=same\r\n\r\nx\r\n") * (MAX_MIME_DEPTH + 10)
    )
    assert _parser_shape(parse_message(raw)) == (MAX_MIME_DEPTH + 10, 1)
    assert structure_problem(raw) is None


def test_a_delivery_status_of_many_paragraphs_is_refused():
    # the parser makes a part of every blank-line-separated paragraph of a message/delivery-status
    raw = HEAD + b"Content-Type: message/delivery-status\r\n\r\n" + b"Final-Recipient: rfc822; x@y\r\n\r\n" * 300
    assert parser_part_count(raw) > MAX_MIME_PARTS
    assert structure_problem(raw) == f"more than {MAX_MIME_PARTS} MIME parts"


@pytest.mark.parametrize(
    "padding",
    [
        b'; name="' + b"a" * 1200 + b'"',
        b"".join(b"; p%d=v" % i for i in range(40)),
        b" (comment)" * 40,
    ],
    ids=["long", "many-parameters", "many-comments"],
)
def test_a_content_type_header_too_costly_to_parse_is_refused(padding):
    # the parser reads a part's Content-Type several times, in time growing faster than its length
    raw = flat(10, content_type=b"Content-Type: multipart/mixed; boundary=b" + padding)
    assert structure_problem(raw).startswith("a Content-Type header")


# ------------------------------------------------------------------------------------------- real mail passes


def test_a_customers_mail_with_alternatives_and_attachments_passes():
    raw = customer_mail().as_bytes()
    assert structure_problem(raw) is None
    assert 10 < parser_part_count(raw) < 30


def test_a_forwarded_message_with_its_own_multiparts_passes():
    forwarded = customer_mail()
    msg = EmailMessage()
    msg["From"] = "Juan <juan@example.com>"
    msg["To"] = "hola@shop.example"
    msg["Subject"] = "Fwd: Fotos del pedido 1234"
    msg.set_content("Les reenvío el correo de Ana.")
    msg.add_alternative("<p>Les reenvío el correo de <i>Ana</i>.</p>", subtype="html")
    msg.add_attachment(forwarded)
    raw = msg.as_bytes()
    assert b"message/rfc822" in raw
    assert structure_problem(raw) is None


def test_text_full_of_dashes_is_text():
    lines = [
        b"--",
        b"-- ",
        b"----",
        b"-----------",
        b"--b-- y",
        b"--bb",
        b"--b x",
        b"-- Ana",
        b"--|--|--",
        b"--------- Forwarded message ---------",
        b"|-----|-----|",
    ]
    text = b"\r\n".join(lines * 2000)
    multipart = (
        HEAD
        + b"Content-Type: multipart/alternative; boundary=b\r\n\r\n"
        + b"--b\r\nContent-Type: text/plain\r\n\r\n"
        + text
        + b"\r\n"
        + b"--b\r\nContent-Type: text/html\r\n\r\n<pre>"
        + text
        + b"</pre>\r\n--b--\r\n"
    )
    assert parser_part_count(multipart) == 2
    assert structure_problem(multipart) is None
    plain = HEAD + b"Content-Type: text/plain\r\n\r\n" + text + b"\r\n--b\r\n" * 500
    assert structure_problem(plain) is None  # no multipart declared: nothing is a delimiter


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00" * 1000,
        b"\r\n\r\n\r\n",
        b"\r" * 1000,
        HEAD,
        HEAD + b"Content-Type: multipart/mixed\r\n\r\n--\r\n--\r\n",  # a multipart without a boundary
        HEAD + b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n--b\r\n--b\r\n",  # never closed
        HEAD + b"Content-Type: multipart/mixed; boundary*\r\n\r\nx",  # the parser raises IndexError on this one
        HEAD + b'Content-Type: multipart/mixed; boundary="\xc3\xa9"\r\n\r\n--\xc3\xa9\r\n',
        HEAD + b'Content-Type: multipart/mixed; boundary=""\r\n\r\n--\r\nx\r\n----\r\n',
        HEAD + b"Content-Type: message/rfc822\r\n\r\n",
        HEAD + b"Content-Type: (((((((((((((((((\r\n\r\n",
        bytes(random.Random(9).randrange(256) for _ in range(200_000)),
        b"\n".join(bytes(random.Random(i).choice(b'-\r\n:; ="bB\t') for _ in range(200)) for i in range(300)),
    ],
    ids=[
        "empty",
        "nul",
        "blank-lines",
        "cr",
        "headers-only",
        "no-boundary",
        "unclosed",
        "parser-fails",
        "8-bit-boundary",
        "empty-boundary",
        "empty-attached-message",
        "broken-content-type",
        "random-bytes",
        "random-mime-characters",
    ],
)
def test_garbage_never_raises(raw):
    problem = structure_problem(raw)
    assert problem is None or (isinstance(problem, str) and "\n" not in problem)


def test_the_guard_never_counts_fewer_parts_nor_levels_than_the_parser_builds(monkeypatch):
    """Randomly built and damaged MIME structures: with a limit one below what the parser builds, the guard
    refuses."""
    rng = random.Random(2024)
    for _ in range(300):
        raw = _random_mime(rng)
        try:
            parts, depth = _parser_shape(email.message_from_bytes(raw, policy=email.policy.default))
        except Exception:  # noqa: BLE001 - a message the parser itself fails on: parse_message reports it
            continue
        monkeypatch.setattr(mime_guard, "MAX_MIME_DEPTH", 10**6)
        if parts:
            monkeypatch.setattr(mime_guard, "MAX_MIME_PARTS", parts - 1)
            assert structure_problem(raw), raw
        monkeypatch.setattr(mime_guard, "MAX_MIME_PARTS", 10**6)
        if depth:
            monkeypatch.setattr(mime_guard, "MAX_MIME_DEPTH", depth - 1)
            assert structure_problem(raw), raw


def _parser_shape(msg, depth: int = 0) -> tuple[int, int]:
    """(parts, nesting) as the parser built them: a multipart or message/* counts a level, its parts count."""
    payload = msg.get_payload()
    if not isinstance(payload, list):
        return 0, depth
    status = msg.get_content_type() == "message/delivery-status"
    level = depth if status else depth + 1
    parts = len(payload) if msg.get_content_maintype() == "multipart" or status else 0
    deepest = level
    for child in payload:
        child_parts, child_depth = _parser_shape(child, level)
        parts += child_parts
        deepest = max(deepest, child_depth)
    return parts, deepest


def _random_mime(rng: random.Random) -> bytes:
    eol = rng.choice([b"\r\n", b"\n", b"\r"])

    def entity(depth: int, boundaries: list[bytes]) -> list[bytes]:
        kind = rng.random() if depth < 6 else 1.0
        if kind < 0.45:
            # boundaries that repeat an enclosing one or extend it are the hard cases
            boundary = rng.choice([*boundaries, b"b", b"b--", b"x y", b"="]) + rng.choice([b"", b"1", b"-", b"--"])
            lines = [
                rng.choice(
                    [b'Content-Type: multipart/%s; boundary="%s"', b"content-type: %s;" + eol + b"\tboundary=%s"]
                )
                % (rng.choice([b"mixed", b"digest"]), boundary),
                b"",
            ]
            for _ in range(rng.randrange(4)):
                lines.append(b"--" + boundary + rng.choice([b"", b" ", b"--", b"x"]))
                lines += entity(depth + 1, [*boundaries, boundary])
            if rng.random() < 0.8:
                lines.append(b"--" + boundary + b"--")
            return lines
        if kind < 0.6:
            return [b"Content-Type: message/rfc822", b"", *entity(depth + 1, boundaries)]
        if kind < 0.7:
            return [b"Content-Type: message/delivery-status", b""] + [
                rng.choice([b"Status: 5.0.0", b"", b"Content-Type: message/rfc822", b"junk"]) for _ in range(5)
            ]
        return [
            rng.choice([b"Content-Type: text/plain", b"X-Other: 1"]),
            rng.choice([b"", b"no header"]),
            rng.choice([b"hola", b"--", b"-- ", b"--" + rng.choice(boundaries or [b"q"]) + b"z"]),
        ]

    raw = eol.join([b"From: a@example.com", *entity(0, [])]) + eol
    for _ in range(rng.randrange(3)):  # damage: cut, repeat or drop a piece
        i, j = sorted(rng.randrange(len(raw) + 1) for _ in range(2))
        raw = rng.choice([raw[:i] + raw[j:], raw[:j] + raw[i:j] + raw[j:], raw[:i] + eol + raw[i:]])
    return raw


# ------------------------------------------------------------------------------------------- the parse


def test_parse_message_parses_real_mail():
    msg = parse_message(customer_mail().as_bytes())
    assert msg["Subject"] == "Fotos del pedido 1234"
    plain = next(part for part in msg.walk() if part.get_content_type() == "text/plain")
    assert plain.get_payload(decode=True).decode(plain.get_content_charset()).startswith("Hola")


def test_parse_message_turns_any_parser_failure_into_one_line(monkeypatch):
    def failing_parser(raw, policy):
        raise IndexError("list index out of range\nsecond line")

    with monkeypatch.context() as patched:
        patched.setattr(email, "message_from_bytes", failing_parser)
        with pytest.raises(Unparseable) as caught:
            parse_message(HEAD + b"Content-Type: text/plain\r\n\r\nx")
    assert str(caught.value).startswith("the email parser failed: IndexError")
    assert "\n" not in str(caught.value)
    with pytest.raises(Unparseable, match="nested too deeply"):
        parse_message(nest(1000))


# ------------------------------------------------------------------------------------------- corpora


def _corpus_files() -> list[Path]:
    files = []
    for sub in ("mime", "autoreply"):
        folder = CORPORA / sub
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.upper().startswith(NOT_MESSAGES))
    return files


CORPUS = _corpus_files()


@pytest.mark.skipif(not CORPUS, reason=f"{CORPORA}/mime and {CORPORA}/autoreply are absent: real mail not checked")
def test_real_mail_of_the_corpora_passes():
    refused = {str(p.relative_to(CORPORA)): structure_problem(p.read_bytes()) for p in CORPUS}
    assert {name: problem for name, problem in refused.items() if problem} == {}
    assert len(refused) > 300
