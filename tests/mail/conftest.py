"""A real IMAP server for the email tests: Debian's dovecot, started per test session.

Dovecot runs in the foreground (-F) with a generated config in a temporary directory:
127.0.0.1 on a free port, plaintext auth, one passwd-file user, Maildir storage. Tests running
as root need dedicated users: dovecot refuses root for login and mail processes, so those run
as nobody (the mail directory is handed to nobody).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
IMAP_USER = "soporte"
IMAP_PASSWORD = "imap-test-secret"

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
instance_name = pv-test-{port}
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = no
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
mail_uid = {mail_user}
mail_gid = {mail_group}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = {base}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    base: Path

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the mailbox by IMAP APPEND (what an MTA's delivery amounts to)."""
        client = self.client()
        try:
            client.append(folder, raw)
        finally:
            client.logout()

    def clear(self, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.select_folder(folder)
            uids = client.search(["ALL"])
            if uids:
                client.delete_messages(uids)
                client.expunge()
        finally:
            client.logout()

    def unseen(self, folder: str = "INBOX") -> list[int]:
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            return client.search(["UNSEEN"])
        finally:
            client.logout()


def _wait_for(port: int, proc: subprocess.Popen, base: Path, timeout: float = 10) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
    raise RuntimeError(f"dovecot did not start on {port}:\n{log}")


@pytest.fixture(scope="session")
def imap_server():
    if not os.path.exists(DOVECOT):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{DOVECOT} is missing; CI must install dovecot-imapd")
        pytest.skip(f"{DOVECOT} not installed (apt-get install dovecot-imapd) - real IMAP tests skipped")
    base = Path(tempfile.mkdtemp(prefix="pv-dovecot-"))
    # The login and mail processes run as an unprivileged user that must reach these paths.
    base.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (base / sub).mkdir()
    port = _free_port()
    as_root = os.geteuid() == 0
    me = pwd.getpwuid(os.geteuid()).pw_name
    unprivileged = "nobody" if as_root else me
    if as_root:
        nobody = pwd.getpwnam("nobody")
        os.chown(base / "mail", nobody.pw_uid, nobody.pw_gid)
        group = "nogroup"
    else:
        import grp

        group = grp.getgrgid(os.getegid()).gr_name
    (base / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::{base}/mail/{IMAP_USER}\n")
    (base / "dovecot.conf").write_text(
        CONFIG.format(
            base=base,
            port=port,
            internal=me,
            internal_group="root" if as_root else group,
            login=unprivileged,
            mail_user=unprivileged,
            mail_group=group,
        )  # fmt: skip
    )
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(base / "dovecot.conf")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(port, proc, base)
        yield ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def imap(imap_server):
    imap_server.clear()
    return imap_server


@pytest.fixture
def mailbox(db, imap_server):
    from postventa.messaging.email.models import Mailbox

    return Mailbox.objects.create(
        name="Soporte Tienda", address="soporte@tienda.test", imap_enabled=True, imap_host=imap_server.host,
        imap_port=imap_server.port, imap_ssl=False, imap_user=imap_server.user,
        imap_password=imap_server.password, inbound_smtp_enabled=True,
    )  # fmt: skip
