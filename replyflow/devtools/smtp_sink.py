"""A real SMTP server that accepts everything and records what it gets, for tests and the demo.

``SmtpSink().start()`` runs aiosmtpd's ``Controller`` (its own thread and event loop) on 127.0.0.1 and a free port.
Every message it accepts is kept in memory (``messages()``, ``wait_for()``) and, with ``out_path``, appended as
one JSON line to a file so that another process (the demo, the end-to-end test) can see what was sent.

Failure injection for reliability tests, both changeable while it runs, deterministic for a given ``seed``:

* ``temp_fail_rate``: that share of messages gets ``451 4.3.0 Try again later`` in answer to DATA (not recorded).
* ``reject_recipients``: while True, every recipient gets ``550 5.1.1 Mailbox unavailable`` (a permanent refusal).
* ``drop_after_data_rate``: that share of messages is received in full, then the connection is closed without
  an answer: the client cannot tell whether the message was accepted (RFC 1047). With ``deliver_dropped`` (the
  default) such a message is recorded as delivered (``outcome == "dropped_after_data"``), which is the case a
  blind resend would duplicate; set it to False to simulate the message being lost.

Standalone: ``python -m replyflow.devtools.smtp_sink --port 2525 --out sent.jsonl`` (until SIGINT/SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from replyflow.devtools._net import free_port

__all__ = ["TEMP_FAIL_REPLY", "SinkMessage", "SmtpSink", "read_jsonl"]

TEMP_FAIL_REPLY = "451 4.3.0 Try again later"
REJECT_RCPT_REPLY = "550 5.1.1 Mailbox unavailable"
_HEADER_PARSER = BytesParser(policy=policy.default)


def _header(headers: EmailMessage, name: str) -> str | None:
    """A header's value (RFC 2047 decoded, unfolded), or None."""
    try:
        value = headers.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not break the sink: fall back to the raw value
        value = next((v for k, v in headers.raw_items() if k.lower() == name.lower()), None)
    if value is None:
        return None
    return " ".join(str(value).split())


@dataclass(frozen=True)
class SinkMessage:
    """One message the sink received."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    headers: EmailMessage = field(repr=False)  # headers only, parsed with email.policy.default
    received_at: float  # time.time()
    outcome: str = "accepted"  # or "dropped_after_data"

    @property
    def message_id(self) -> str | None:
        return _header(self.headers, "Message-ID")

    @property
    def in_reply_to(self) -> str | None:
        return _header(self.headers, "In-Reply-To")

    @property
    def references(self) -> str | None:
        return _header(self.headers, "References")

    @property
    def subject(self) -> str | None:
        return _header(self.headers, "Subject")

    @property
    def auto_submitted(self) -> str | None:
        return _header(self.headers, "Auto-Submitted")

    def message(self) -> EmailMessage:
        """The whole message, parsed with email.policy.default."""
        return _HEADER_PARSER.parsebytes(self.raw)

    def to_json(self) -> dict[str, Any]:
        return {
            "mail_from": self.mail_from,
            "rcpt_tos": list(self.rcpt_tos),
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": self.references,
            "subject": self.subject,
            "auto_submitted": self.auto_submitted,
            "received_at": datetime.fromtimestamp(self.received_at, UTC).isoformat(),
            "outcome": self.outcome,
            "raw": self.raw.decode("utf-8", "replace"),
        }


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """The messages a sink wrote to ``out_path`` (an absent file means none yet)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    # A line being written right now may be incomplete: only complete lines count.
    return [json.loads(line) for line in text.split("\n")[:-1] if line.strip()]


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options):
        if self.sink.reject_recipients:
            return REJECT_RCPT_REPLY
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # pragma: no cover - decode_data=False gives bytes
            raw = raw.encode("utf-8", "surrogateescape")
        action = self.sink._decide()
        if action == "temp_fail":
            return TEMP_FAIL_REPLY
        if action == "drop":
            # RFC 1047: the whole message arrived, the answer never leaves. What aiosmtpd writes after this goes
            # nowhere: the transport is closed.
            if self.sink.deliver_dropped:
                self.sink._record(envelope, raw, "dropped_after_data")
            server.transport.close()
            return "250 OK (never sent)"
        self.sink._record(envelope, raw, "accepted")
        return "250 2.0.0 OK: queued"


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that records every message it accepts.

    >>> with SmtpSink(out_path=tmp_path / "sent.jsonl") as sink:
    ...     ...  # send mail to sink.host:sink.port
    ...     assert sink.wait_for(1, timeout=5)
    """

    host = "127.0.0.1"

    def __init__(
        self,
        port: int | None = None,
        out_path: str | Path | None = None,
        *,
        temp_fail_rate: float = 0.0,
        drop_after_data_rate: float = 0.0,
        deliver_dropped: bool = True,
        reject_recipients: bool = False,
        seed: int = 0,
    ) -> None:
        self.reject_recipients = reject_recipients
        self._port = port
        self._fixed_port = port is not None and port != 0
        self.out_path = Path(out_path) if out_path is not None else None
        self.temp_fail_rate = temp_fail_rate
        self.drop_after_data_rate = drop_after_data_rate
        self.deliver_dropped = deliver_dropped
        self._rng = random.Random(seed)
        self._cond = threading.Condition()
        self._messages: list[SinkMessage] = []
        self._counts = {"accepted": 0, "temp_failed": 0, "dropped_after_data": 0}
        self._controller: Controller | None = None

    # ---------------------------------------------------------------- lifecycle
    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the SMTP sink has no port yet: call start() first")
        return self._port

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpSink:
        if self._controller is not None:
            return self
        if self.out_path is not None:
            self.out_path.parent.mkdir(parents=True, exist_ok=True)
            self.out_path.touch()
        attempts = 1 if self._fixed_port else 3
        for attempt in range(attempts):
            if not self._fixed_port and (self._port is None or attempt > 0):
                self._port = free_port(self.host)  # the first start picks one; a later start() reuses it if free
            controller = Controller(
                _Handler(self),
                hostname=self.host,
                port=self._port,
                server_hostname="smtp-sink.localhost",  # no getfqdn(): it can wait on DNS
                ready_timeout=10.0,
                decode_data=False,
                enable_SMTPUTF8=True,
            )
            try:
                controller.start()
            except Exception:
                with contextlib.suppress(Exception):
                    controller.stop()
                if attempt + 1 < attempts:
                    continue
                raise
            self._controller = controller
            return self
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Stop listening (an SMTP outage); recorded messages stay."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def restart(self) -> SmtpSink:
        """Stop, then listen again on the same port."""
        self.stop()
        was_fixed, self._fixed_port = self._fixed_port, True
        try:
            return self.start()
        finally:
            self._fixed_port = was_fixed

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<SmtpSink {self.host}:{self._port} {len(self._messages)} messages>"

    # ---------------------------------------------------------------- recording (called in the server's thread)
    def _decide(self) -> str:
        with self._cond:
            # Always draw both numbers, so that changing one rate does not shift the other's sequence.
            temp, drop = self._rng.random(), self._rng.random()
            if temp < self.temp_fail_rate:
                self._counts["temp_failed"] += 1
                return "temp_fail"
            if drop < self.drop_after_data_rate:
                self._counts["dropped_after_data"] += 1
                return "drop"
            self._counts["accepted"] += 1
            return "accept"

    def _record(self, envelope: Envelope, raw: bytes, outcome: str) -> None:
        try:
            headers = _HEADER_PARSER.parsebytes(raw, headersonly=True)
        except Exception:  # noqa: BLE001 - the parser is lenient; never lose a message over it
            headers = EmailMessage()
        message = SinkMessage(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            raw=raw,
            headers=headers,
            received_at=time.time(),
            outcome=outcome,
        )
        with self._cond:
            if self.out_path is not None:
                with open(self.out_path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(message.to_json(), ensure_ascii=False) + "\n")
            self._messages.append(message)
            self._cond.notify_all()

    # ---------------------------------------------------------------- accessors (any thread)
    def messages(self) -> list[SinkMessage]:
        """A copy of the list of recorded messages, oldest first."""
        with self._cond:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until at least ``count`` messages are recorded (True) or ``timeout`` seconds pass (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._messages) >= count, timeout)

    def clear(self) -> None:
        """Forget the recorded messages and counters (the ``out_path`` file is left as it is)."""
        with self._cond:
            self._messages.clear()
            self._counts = dict.fromkeys(self._counts, 0)

    def stats(self) -> dict[str, int]:
        """How many DATA commands were accepted, temp-failed (451) and dropped after DATA."""
        with self._cond:
            return dict(self._counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m replyflow.devtools.smtp_sink",
        description="A local SMTP server that accepts every message and records it (for tests and the demo).",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--out", type=Path, default=None, help="append each message as a JSON line to this file")
    parser.add_argument("--temp-fail-rate", type=float, default=0.0, help="share of messages answered 451")
    parser.add_argument(
        "--drop-after-data-rate",
        type=float,
        default=0.0,
        help="share of messages whose connection is closed after DATA without an answer",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the failure injection")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sink = SmtpSink(
        port=args.port or None,
        out_path=args.out,
        temp_fail_rate=args.temp_fail_rate,
        drop_after_data_rate=args.drop_after_data_rate,
        seed=args.seed,
    )
    sink.start()
    try:
        print(f"smtp-sink listening on {sink.host}:{sink.port}", flush=True)
        # Event.wait() in the main thread returns when a signal handler sets it.
        while not stop.wait(3600):
            pass
    finally:
        sink.stop()
    print(f"smtp-sink stopped ({len(sink.messages())} messages recorded)", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
