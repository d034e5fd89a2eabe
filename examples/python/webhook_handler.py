"""A webhook endpoint: check the token, parse the delivery into a typed event, answer.

    P100_WEBHOOK_TOKEN=... python webhook_handler.py --serve 8000

Without ``--serve`` it demonstrates itself against a local sandbox (``P100_BASE_URL`` on
127.0.0.1): it points the sandbox's deliveries at a handler on a free port, sends a SEPA
transfer and prints the events it receives until the transfer's final status arrives.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import p100
from p100 import webhooks

TOKEN = os.environ.get("P100_WEBHOOK_TOKEN", "whsec-example-token")
received: queue.Queue[webhooks.WebhookEvent] = queue.Queue()


def handle(authorization: str | None, body: bytes) -> int:
    """The framework-independent part: returns the HTTP status to answer with."""
    try:
        event = webhooks.Verifier(TOKEN).verify_and_parse(authorization, body)
    except p100.WebhookUnauthorizedError:
        return 401  # not from P100 (or a wrong token): refuse
    except p100.DecodeError:
        return 400  # not JSON at all
    if isinstance(event, p100.SepaTransferEvent):
        print(f"SEPA transfer {event.id}: {event.status} ({event.amount} {event.currency})")
    elif isinstance(event, p100.UserStatusEvent):
        print(f"user {event.external_user_id} is now {event.status}")
    elif isinstance(event, p100.UnknownEvent):
        print(f"an event this SDK does not know ({len(event.raw)} bytes): stored for later")
    else:
        print(f"{webhooks.event_name(event)}: {event!r}")
    received.put(event)
    return 200  # acknowledge quickly; do slow work elsewhere


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(handle(self.headers.get("authorization"), body))
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def demo() -> None:
    client = p100.Client()
    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/p100-webhooks"

    # Sandbox only: tell it where to deliver (with P100, this is set up with your account).
    control = urllib.request.Request(
        client.base_url + "/_sandbox/webhooks",
        data=json.dumps({"url": url, "token": TOKEN}).encode(),
        headers={"content-type": "application/json"},
    )
    urllib.request.urlopen(control, timeout=10).close()

    transfer = client.sepa.partner_transfer(
        amount=Decimal("12.00"),
        destination_iban="DE89370400440532013000",
        transfer_title="Webhook demo",
        currency="eur",
    )
    while True:
        event = received.get(timeout=60)
        if isinstance(event, p100.SepaTransferEvent) and event.id == transfer.transfer_id:
            break
    server.shutdown()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        HTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
    else:
        demo()


if __name__ == "__main__":
    main()
