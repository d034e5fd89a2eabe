"""HTTPS through the wheel's own TLS stack (rustls + its crypto provider, compiled into
`p100._native`), against a local TLS server whose certificate authority is trusted through
SSL_CERT_FILE (read by the platform verifier on Linux), and refused when it is not trusted."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None or not sys.platform.startswith("linux"),
    reason="needs the openssl command (certificates) and Linux (SSL_CERT_FILE)",
)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A certificate authority and a server certificate for 127.0.0.1 signed by it."""
    d = tmp_path_factory.mktemp("tls")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=p100 test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=d,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1",
        cwd=d,
    )  # fmt: skip
    (d / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-out", "server.pem", "-extfile", "ext.cnf",
        cwd=d,
    )  # fmt: skip
    return d


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(
            {"path": self.path, "apiKey": self.headers.get("x-api-key") == "tls-key"}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def https_url(certs: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(certs / "server.pem"), str(certs / "server.key"))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Run in a child process: the verifier reads SSL_CERT_FILE when the client starts.
_CALL = """
import json, sys, p100
client = p100.Client("tls-key", sys.argv[1], max_retries=0, timeout=10)
try:
    print(json.dumps({"ok": client.request("GET", "/v1/tls-check")}))
except p100.P100Error as e:
    print(json.dumps({"error": e.kind, "outcome": e.outcome, "message": str(e)}))
"""


def _call(url: str, ca_file: Path) -> dict[str, object]:
    env = {**os.environ, "SSL_CERT_FILE": str(ca_file)}
    env.pop("SSL_CERT_DIR", None)
    out = subprocess.run(
        [sys.executable, "-c", _CALL, url], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_https_call_with_a_trusted_certificate(https_url: str, certs: Path) -> None:
    assert _call(https_url, certs / "ca.pem") == {"ok": {"path": "/v1/tls-check", "apiKey": True}}


def test_an_untrusted_certificate_is_refused(https_url: str, certs: Path) -> None:
    # The same server, but the only "authority" trusted is the server's own certificate, which is
    # not one: the handshake must fail (the call above shows that this is the only difference).
    result = _call(https_url, certs / "server.pem")
    assert result.get("error") == "network", result
    assert result.get("outcome") == "not_sent", result
