"""A real, throw-away Dovecot IMAP server for tests and the demo.

``Dovecot(workdir).start()`` writes a configuration into ``workdir`` and runs ``dovecot -F -c CONFIG`` as a child
process on 127.0.0.1 and a free high port, with one ``passwd-file`` user, no TLS, plaintext logins allowed, and
maildir storage under ``workdir``. Each instance has its own ``base_dir`` and ``state_dir`` and logs to
``workdir/dovecot.log``, so several instances and the system's own Dovecot never collide.

Facts about Dovecot 2.3.19 that shaped the configuration:

* The mail user must not be root (login fails with "initialization failed"): we use the ``mail`` system user
  (uid 8 on Debian) and ``first_valid_uid = 1``.
* Dovecot drops privileges to that user after login, and pytest's ``tmp_path`` lives under a ``0700`` directory
  owned by root that the ``mail`` user cannot traverse. So, when running as root, the user's mail is served from a
  chroot (``WORKDIR/mail/./shop`` in the passwd-file, listed in ``valid_chroot_dirs``): Dovecot enters it while still
  root, and after that every path it opens is inside ``WORKDIR/mail``. For the same reason the ``auth`` service
  runs as root (it reads the passwd-file in ``workdir``; Debian's default ``dovecot`` user cannot reach it).
* Without root, Dovecot runs every process as the current user: no chroot, no privilege changes.
* On SIGTERM the master stops its services but leaves the processes serving connected clients running (they go on
  answering), then sleeps a fixed second before exiting. ``stop()`` ends those too, so a stop is a real outage for
  connected clients, and takes milliseconds.
* imap-tools' ``idle.wait()`` does not return news that arrived while no IDLE was running: Dovecot sends that
  ``* N EXISTS`` before ``+ idling`` and imaplib files it in ``client.untagged_responses``. Look (UID SEARCH) after
  every IDLE, whatever it returned.

Helpers (``append``, ``list_messages``, ``flags_of``, ``uidvalidity``) use imap-tools over a fresh connection each
call; they are for arranging and checking test state, not for speed (see ``mailbox()`` for a long-lived one, and
``replyflow.devtools.mailgen.append_all`` for many messages). ``reset_uidvalidity()`` simulates a server that lost
its index (new UIDVALIDITY), ``restart()`` an outage.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import grp
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from imap_tools import MailBoxUnencrypted, MailMessage

from replyflow.devtools._net import free_port

__all__ = ["INSTALL_HINT", "Dovecot", "DovecotError", "find_dovecot", "free_port"]

INSTALL_HINT = "dovecot is not installed: apt-get install -y dovecot-imapd"
_SEARCH_PATHS = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot", "/usr/bin/dovecot")


class DovecotError(RuntimeError):
    """Dovecot did not start, or stopped unexpectedly."""


def find_dovecot() -> str | None:
    """The path of the dovecot binary, or None when it is not installed."""
    found = shutil.which("dovecot")
    if found:
        return found
    for candidate in _SEARCH_PATHS:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _children(pid: int) -> list[tuple[int, str, bool]] | None:
    """(pid, command name, exited) for each child of ``pid``, zombies included; None when /proc cannot tell."""
    try:
        pids: list[int] = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        return None
    result = []
    for child in pids:
        try:
            stat = Path(f"/proc/{child}/stat").read_text()
        except OSError:
            continue
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        result.append((child, name, rest.split()[0] in ("Z", "X")))
    return result


def _set_child_subreaper(on: bool) -> bool:
    """prctl(PR_SET_CHILD_SUBREAPER): orphans of our descendants become our children (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, int(on), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# What Dovecot 2.3.19's master leaves running when it shuts down while clients are connected (with the default
# shutdown_clients = yes): the processes serving them, and the stats service they still talk to. Left alone,
# a "stopped" server goes on answering its connected clients.
_LEFTOVERS = ("imap", "imap-login", "stats")


def _master_is_done(pid: int, children: list[tuple[int, str, bool]] | None) -> bool:
    """After SIGTERM: has the master stopped what it is going to stop, and is it now only waiting to exit?"""
    if children is None:
        return False
    if all(exited or name == "log" or name in _LEFTOVERS for _, name, exited in children):
        return True
    try:  # its last act is a fixed one-second sleep
        return "nanosleep" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def _end_instance(proc: subprocess.Popen, children: list[tuple[int, str, bool]], hard: bool = False) -> None:
    """Finish a Dovecot whose master has stopped its services and now only waits (a fixed second) to exit.

    What is left: the client sessions and what they use (``_LEFTOVERS``), and the log process. We end them (SIGTERM:
    IMAP clients get "BYE" and are disconnected, as in a real outage) and the master; the log process then exits by
    itself once it has written what it had. Orphans go to PID 1, and not every PID 1 reaps them (a container's
    often does not), so meanwhile we are the subreaper and reap them ourselves.

    ``hard``: SIGKILL everything at once, the log process included (a Dovecot that does not stop).
    """
    subreaper = _set_child_subreaper(True)
    try:
        proc.kill()  # first: a live master would restart the services we end
        proc.wait()
        for pid, name, exited in children:
            if not exited and (hard or name != "log"):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL if hard else signal.SIGTERM)
        pending = {pid: name for pid, name, _ in children}
        deadline = time.monotonic() + 2.0
        killed = False
        while pending and time.monotonic() < deadline:
            for pid in list(pending):
                if subreaper:
                    try:
                        done = os.waitpid(pid, os.WNOHANG)[0] == pid
                    except ChildProcessError:
                        done = True  # reaped by its parent before the master died, or not ours
                else:
                    done = not Path(f"/proc/{pid}").exists()
                if done:
                    del pending[pid]
            if pending and not killed and time.monotonic() > deadline - 1.0:
                for pid, name in pending.items():  # something that ignores SIGTERM
                    if name != "log":
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                killed = True
            if pending:
                time.sleep(0.002)
    finally:
        if subreaper:
            _set_child_subreaper(False)


class _RawMailMessage(MailMessage):
    """imap-tools' MailMessage keeping the message's exact bytes, only its UID and flags read: it never parses them,
    since a test message may be a MIME nest deeper than Python's email parser can take."""

    def __init__(self, fetch_data: list) -> None:
        self.raw, self._raw_uid_data, self._raw_flag_data = self._get_message_data_parts(fetch_data)


def _flags(flags: Iterable[str]) -> tuple[str, ...]:
    return tuple(f for f in flags if f != "\\Recent")


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Dovecot:
    """A standalone Dovecot IMAP server with one user, for tests and the demo.

    >>> with Dovecot(tmp_path) as imap:
    ...     imap.append(raw_bytes)
    ...     imap.list_messages()

    ``Dovecot(workdir, port=N)`` without ``start()`` is a handle on an instance another process runs (the helpers
    only connect to it).
    """

    host = "127.0.0.1"

    def __init__(
        self,
        workdir: Path | str,
        port: int | None = None,
        user: str = "shop@example.com",
        password: str = "secret",
        *,
        start_timeout: float = 10.0,
    ) -> None:
        if any(c in user for c in ":\n\r ") or any(c in password for c in ":\n\r"):
            raise ValueError("user and password must not contain ':', spaces or line breaks")
        self.workdir = Path(workdir).resolve()
        self._port = port
        self._fixed_port = port is not None
        self._user = user
        self._password = password
        self.start_timeout = start_timeout
        self._proc: subprocess.Popen | None = None
        self._stderr = None
        self._log_offset = 0
        self._stderr_offset = 0

    # ---------------------------------------------------------------- properties
    @property
    def port(self) -> int:
        if self._port is None:
            raise DovecotError("Dovecot has no port yet: call start() first")
        return self._port

    @property
    def user(self) -> str:
        return self._user

    @property
    def password(self) -> str:
        return self._password

    @property
    def config_path(self) -> Path:
        return self.workdir / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        return self.workdir / "dovecot.log"

    @property
    def _stderr_path(self) -> Path:
        return self.workdir / "dovecot.stderr"

    @property
    def mail_root(self) -> Path:
        """The chroot that holds the user's mail; the maildir is ``mail_root / "shop" / "Maildir"``."""
        return self.workdir / "mail"

    @property
    def maildir(self) -> Path:
        return self.mail_root / "shop" / "Maildir"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Dovecot {self.host}:{self._port} {self._user} {state} {self.workdir}>"

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> Dovecot:
        """Write the configuration and start Dovecot; returns once an IMAP login works."""
        if self.running:
            return self
        binary = find_dovecot()
        if binary is None:
            raise RuntimeError(INSTALL_HINT)
        attempts = 1 if self._fixed_port else 3
        for attempt in range(attempts):
            if not self._fixed_port and (self._port is None or attempt > 0):
                self._port = free_port(self.host)
            self._prepare()
            try:
                self._spawn(binary)
                self._wait_ready()
                return self
            except DovecotError as exc:
                self.stop(timeout=5)
                # Another process took the port between free_port() and Dovecot's bind: pick a new one.
                if attempt + 1 < attempts and "Address already in use" in str(exc):
                    continue
                raise
        raise AssertionError("unreachable")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop Dovecot and wait for it; the mail stays in workdir. SIGKILL after ``timeout`` if it hangs.

        SIGTERM makes Dovecot's master stop its services, then sleep a fixed second so its log process can
        drain, then exit; but it leaves the processes serving connected clients running, so they would go on
        answering. Once the master is down to those and its log process, we end them and it (``_end_instance``):
        connected clients are disconnected, as in a real outage, and a stop takes milliseconds, not a second.
        """
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                deadline = time.monotonic() + timeout
                while proc.poll() is None and time.monotonic() < deadline:
                    children = _children(proc.pid)
                    if _master_is_done(proc.pid, children):
                        _end_instance(proc, children)
                        break
                    time.sleep(0.005)
                try:
                    proc.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self._kill()
        finally:
            self._release()

    def _release(self) -> None:
        self._proc = None
        (self.workdir / "run" / "master.pid").unlink(missing_ok=True)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def restart(self) -> Dovecot:
        """Stop, then start again on the same port with the same mail (an IMAP outage in a test)."""
        port = self.port
        self.stop()
        return self._start_on(port)

    def _start_on(self, port: int) -> Dovecot:
        self._port = port
        was_fixed, self._fixed_port = self._fixed_port, True
        try:
            return self.start()
        finally:
            self._fixed_port = was_fixed

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __del__(self) -> None:  # last resort: never leave a Dovecot behind
        with contextlib.suppress(Exception):
            self._kill()

    # ---------------------------------------------------------------- internals
    def _identity(self) -> tuple[int, int, str, bool]:
        """(uid, gid, internal user name, as_root) for the mail user and Dovecot's own processes."""
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam("mail")
            except KeyError:
                raise DovecotError("the 'mail' system user is missing; Dovecot's mail user must not be root") from None
            return entry.pw_uid, entry.pw_gid, "root", True
        me = pwd.getpwuid(os.geteuid())
        return me.pw_uid, os.getegid(), me.pw_name, False

    def _prepare(self) -> None:
        uid, gid, _, as_root = self._identity()
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in ("run", "state"):
            (self.workdir / name).mkdir(exist_ok=True)
        home = self.mail_root / "shop"
        home.mkdir(parents=True, exist_ok=True)
        if as_root:
            for path in (self.mail_root, home):  # what we made; Dovecot makes the rest as that user
                os.lchown(path, uid, gid)
            home_field = f"{self.mail_root}/./shop"
        else:
            home_field = str(home)
        users = self.workdir / "users"
        users.write_text(f"{self._user}:{{PLAIN}}{self._password}:{uid}:{gid}::{home_field}::\n", encoding="utf-8")
        users.chmod(0o600)
        self.config_path.write_text(self._config(), encoding="utf-8")

    def _config(self) -> str:
        _, _, internal_user, as_root = self._identity()
        w = self.workdir
        lines = [
            "# Written by replyflow.devtools.dovecot: a throw-away test server. Do not use in production.",
            f"base_dir = {w / 'run'}",
            f"state_dir = {w / 'state'}",
            f"instance_name = replyflow-dovecot-{self.port}",
            "protocols = imap",
            f"listen = {self.host}",
            f"log_path = {self.log_path}",
            f"info_log_path = {self.log_path}",
            "ssl = no",
            "disable_plaintext_auth = no",
            "auth_mechanisms = plain login",
            "auth_verbose = yes",
            "first_valid_uid = 1",
            "first_valid_gid = 1",
            "mail_location = maildir:~/Maildir",
            "mail_max_userip_connections = 200",
            "shutdown_clients = yes",
            f"passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {w / 'users'}\n}}",
            f"userdb {{\n  driver = passwd-file\n  args = username_format=%u {w / 'users'}\n}}",
            "namespace inbox {\n  inbox = yes\n  separator = /\n"
            "  mailbox Sent {\n    auto = subscribe\n    special_use = \\Sent\n  }\n"
            "  mailbox Drafts {\n    auto = subscribe\n    special_use = \\Drafts\n  }\n}",
            "service imap-login {\n"
            f"  inet_listener imap {{\n    address = {self.host}\n    port = {self.port}\n  }}\n"
            "  inet_listener imaps {\n    port = 0\n  }\n}",
        ]
        if as_root:
            lines += [
                f"valid_chroot_dirs = {self.mail_root}",
                # The passwd-file sits in workdir, which Debian's 'dovecot' user may not be able to reach.
                "service auth {\n  user = root\n}",
            ]
        else:
            group = grp.getgrgid(os.getegid()).gr_name
            lines += [
                f"default_internal_user = {internal_user}",
                f"default_internal_group = {group}",
                f"default_login_user = {internal_user}",
                "service imap-login {\n  chroot =\n}",
                "service anvil {\n  chroot =\n}",
            ]
        return "\n".join(lines) + "\n"

    def _spawn(self, binary: str) -> None:
        stale_pid = self.workdir / "run" / "master.pid"
        stale_pid.unlink(missing_ok=True)  # our previous run is gone: _proc was waited for
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self._stderr_offset = self._stderr_path.stat().st_size if self._stderr_path.exists() else 0
        self._stderr = open(self._stderr_path, "ab")  # noqa: SIM115 - open as long as Dovecot runs
        self._proc = subprocess.Popen(
            [binary, "-F", "-c", str(self.config_path)],
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._stderr,
            stderr=subprocess.STDOUT,
            close_fds=True,
        )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = self._proc.returncode if self._proc is not None else None
                raise DovecotError(f"dovecot exited with status {code} while starting\n{self.log_tail()}")
            try:
                client = imaplib.IMAP4(self.host, self.port, timeout=2)
            except OSError as exc:
                last_error = exc
                time.sleep(0.01)
                continue
            try:
                client.login(self._user, self._password)
                client.logout()
                return
            except (imaplib.IMAP4.error, OSError) as exc:
                last_error = exc
                with contextlib.suppress(Exception):
                    client.shutdown()
                time.sleep(0.05)
        raise DovecotError(
            f"dovecot did not accept an IMAP login on {self.host}:{self.port} within {self.start_timeout} s "
            f"(last error: {last_error!r})\n{self.log_tail()}"
        )

    def _kill(self) -> None:
        """SIGKILL the master and all its children."""
        if self._proc is not None and self._proc.poll() is None:
            _end_instance(self._proc, _children(self._proc.pid) or [], hard=True)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines Dovecot logged in this run (its log file, and what it printed before that was open)."""

        def read_from(path: Path, offset: int) -> str:
            if not path.exists():
                return ""
            with open(path, "rb") as fh:
                fh.seek(offset if offset <= path.stat().st_size else 0)
                return fh.read().decode("utf-8", "replace")

        log = read_from(self.log_path, self._log_offset)
        # Messages also in the log file show up on stderr without their timestamp: keep only the others.
        early = [
            line
            for line in read_from(self._stderr_path, self._stderr_offset).splitlines()
            if line.strip() and line not in log
        ]
        text = "\n".join([*early, *log.splitlines()])
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- dovecot log ({self.log_path}) ---\n{tail or '(empty)'}"

    # ---------------------------------------------------------------- IMAP helpers
    @contextlib.contextmanager
    def mailbox(self, folder: str = "INBOX", timeout: float = 10.0) -> Iterator[MailBoxUnencrypted]:
        """A logged-in imap-tools mailbox on ``folder`` (closed on exit). One per thread: it is not thread-safe."""
        box = MailBoxUnencrypted(self.host, self.port, timeout=timeout)
        try:
            box.login(self._user, self._password, initial_folder=folder)
        except BaseException:
            with contextlib.suppress(Exception):
                box.client.shutdown()
            raise
        try:
            yield box
        finally:
            try:
                box.logout()
            except Exception:  # noqa: BLE001 - e.g. the server went away meanwhile
                with contextlib.suppress(Exception):
                    box.client.shutdown()

    def append(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ()) -> None:
        """Append one message (exact bytes) to ``folder`` with ``flags`` (e.g. ``("\\\\Seen",)``)."""
        with self.mailbox(folder) as box:
            box.append(raw, folder, flag_set=list(flags) or None)

    def list_messages(self, folder: str = "INBOX") -> list[tuple[int, tuple[str, ...], bytes]]:
        """Every message in ``folder`` as (uid, flags, raw bytes), by UID; never marks anything seen.

        Flags leave out ``\\Recent`` (it only says which session saw a message first).
        """
        with self.mailbox(folder) as box:
            box.email_message_class = _RawMailMessage
            result = [(int(m.uid), _flags(m.flags), m.raw) for m in box.fetch("ALL", mark_seen=False, bulk=True)]
        return sorted(result, key=lambda item: item[0])

    def flags_of(self, message_id: str, folder: str = "INBOX") -> tuple[str, ...] | None:
        """The flags of the message whose Message-ID header is ``message_id`` (None when there is none)."""
        message_id = message_id.strip()
        if not message_id.startswith("<"):
            message_id = f"<{message_id}>"
        with self.mailbox(folder) as box:
            criteria = f"HEADER Message-ID {_quote(message_id)}"
            messages = list(box.fetch(criteria, mark_seen=False, headers_only=True, bulk=True))
        if not messages:
            return None
        flags: set[str] = set()
        for message in messages:
            flags.update(_flags(message.flags))
        return tuple(sorted(flags))

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """The folder's UIDVALIDITY (it changes when the folder is recreated)."""
        with self.mailbox(folder) as box:
            return box.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"]

    def reset_uidvalidity(self, folder: str = "INBOX") -> int:
        """Make Dovecot forget ``folder``'s index, as a server that lost or rebuilt it would: the folder gets a new
        UIDVALIDITY and its messages are numbered afresh (flags survive: maildir keeps them in the file names).

        For tests of re-ingestion after a UIDVALIDITY change. Restarts Dovecot; returns the new UIDVALIDITY.
        """
        old = self.uidvalidity(folder)
        port = self.port
        self.stop()
        folder_dir = self.maildir if folder.upper() == "INBOX" else self.maildir / ("." + folder.replace("/", "."))
        for pattern in ("dovecot-uidlist", "dovecot.index*"):
            for path in folder_dir.glob(pattern):
                path.unlink()
        for path in self.maildir.glob("dovecot.list.index*"):
            path.unlink()
        self._start_on(port)
        new = self.uidvalidity(folder)
        if new == old:
            raise DovecotError(f"UIDVALIDITY of {folder} did not change ({old})")
        return new


def main(argv: list[str] | None = None) -> int:
    """``python -m replyflow.devtools.dovecot``: run a throw-away Dovecot until SIGINT/SIGTERM (for the demo)."""
    parser = argparse.ArgumentParser(
        prog="python -m replyflow.devtools.dovecot",
        description="A throw-away Dovecot IMAP server on 127.0.0.1 (plaintext, one user) for tests and the demo.",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="configuration, log and mail go here (default: a new temporary directory)",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--user", default="shop@example.com")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--load-demo", action="store_true", help="append the demo emails to INBOX at start")
    parser.add_argument(
        "--generate",
        type=int,
        default=0,
        metavar="N",
        help="append N synthetic emails (replyflow.devtools.mailgen) to INBOX at start",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for --generate")
    args = parser.parse_args(argv)

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="replyflow-dovecot-"))
    server = Dovecot(workdir, port=args.port or None, user=args.user, password=args.password)
    try:
        server.start()
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        if args.load_demo or args.generate:
            from replyflow.devtools.mailgen import append_all, demo_emails, generate

            emails = [raw for _, raw in demo_emails()] if args.load_demo else []
            emails += [e.raw for e in generate(args.generate, seed=args.seed)]
            append_all(server, emails)
        print(
            f"dovecot listening on {server.host}:{server.port} (user {server.user}, password {server.password}, "
            f"workdir {workdir})",
            flush=True,
        )
        while not stop.wait(3600):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
