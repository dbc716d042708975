"""A throwaway Dovecot IMAP server for the tests: its own config, users and ports.

It runs in the foreground as a child of the test process, listens on free localhost
ports (plain/STARTTLS and implicit TLS with a self-signed certificate), and keeps
its mail in a temporary folder. As root it drops to Debian's dovecot users; as
anybody else it runs entirely as that user.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import imaplib
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from concierge.mail.imap_utf7 import encode_folder

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "imap-secret"
# Dovecot validates OAuth2 bearer tokens itself (JWTs signed with this key), the way a
# provider's IMAP server validates the tokens its authorization server issued.
OAUTH2_KEY = b"concierge-test-oauth2-signing-key"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def oauth2_token(user: str, *, lifetime: int = 600) -> str:
    """A signed access token for `user`, valid for `lifetime` seconds."""
    now = int(time.time())
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = _b64url(
        json.dumps({"sub": user, "iat": now, "nbf": now, "exp": now + lifetime}).encode()
    )
    signature = hmac.new(OAUTH2_KEY, f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64url(signature)}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("dovecot did not start listening")


@dataclass
class Dovecot:
    root: Path
    port: int
    tls_port: int
    ca_file: Path
    users: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    handed_out: int = 0

    def next_user(self) -> str:
        """An account no test used before (all are made at start: Dovecot caches its
        passwd-file, so accounts added later would not sign in at once)."""
        self.handed_out += 1
        return self.users[self.handed_out - 1]

    def client(self, user: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(user, PASSWORD)
        return client

    def append(self, user: str, raw: bytes, *, folder: str = "INBOX", flags: str = "") -> None:
        client = self.client(user)
        try:
            name = f'"{encode_folder(folder)}"'
            client.create(name)  # answers NO when it exists, which is fine
            status, data = client.append(name, flags or None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def folder_uids(self, user: str, folder: str = "INBOX", criteria: str = "ALL") -> list[int]:
        client = self.client(user)
        try:
            client.select(f'"{encode_folder(folder)}"')
            _, data = client.uid("SEARCH", criteria)
            return [int(u) for u in (data[0] or b"").split()]
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def _accounts(as_root: bool) -> tuple[str, str, str, int, int]:
    """(internal user, login user, group, mail uid, mail gid) for this process."""
    if as_root:
        nobody = pwd.getpwnam("nobody")
        return "dovecot", "dovenull", "dovecot", nobody.pw_uid, nobody.pw_gid
    me = pwd.getpwuid(os.getuid())
    return me.pw_name, me.pw_name, me.pw_name, me.pw_uid, me.pw_gid


def _certificate(root: Path) -> Path:
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
        [
            shutil.which("openssl") or "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert


def start(users: list[str]) -> Dovecot:
    # A short path: Dovecot's sockets live under base_dir and socket paths are limited.
    root = Path(tempfile.mkdtemp(prefix="dovecot-"))
    root.chmod(0o755)  # Dovecot's own users read the config, keys and passwd-file
    as_root = os.geteuid() == 0
    internal, login, group, uid, gid = _accounts(as_root)
    mail = root / "mail"
    mail.mkdir()
    if as_root:
        os.chown(mail, uid, gid)
    cert = _certificate(root)
    keys = root / "keys" / "default" / "HS256"
    keys.mkdir(parents=True)
    (keys / "default").write_text(base64.b64encode(OAUTH2_KEY).decode())
    (root / "oauth2.conf").write_text(
        f"introspection_mode = local\nlocal_validation_key_dict = fs:posix:prefix={root}/keys/\n"
        "username_attribute = sub\n"
    )
    (root / "passwd").write_text(
        "".join(f"{user}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}/{user}\n" for user in users)
    )
    server = Dovecot(root=root, port=_free_port(), tls_port=_free_port(), ca_file=cert, users=users)
    config = f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = concierge-test-{server.port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
default_internal_user = {internal}
default_login_user = {login}
default_internal_group = {group}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{mail}/%u
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {server.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {server.tls_port}
    ssl = yes
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
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Archive {{
    auto = create
  }}
}}
"""
    (root / "dovecot.conf").write_text(config)
    server.process = subprocess.Popen(  # noqa: S603 - the test's own server
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(server.port, server.process, root / "dovecot.log")
        _wait_for(server.tls_port, server.process, root / "dovecot.log")
    except RuntimeError:
        server.stop()
        raise
    return server
