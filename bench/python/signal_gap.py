"""How often a signal raised as a blocking call returns loses a money call's result.

CPython runs a Python signal handler (Ctrl-C's ``KeyboardInterrupt``) at its next check, which
comes as the native call returns: after the SDK's last check (``bindings-python/src/runtime.rs``,
``hand_over``), a signal that arrives there is raised with the result already handed over, so
neither the caller nor ``take_cancelled()`` has the call. This script measures that gap: it
times ``SIGALRM`` around the end of each of N quick SEPA transfers against the in-process
sandbox and counts transfers the sandbox carried out that the caller neither got nor found in
``take_cancelled()``.

    PYTHONPATH=bindings-python/python python bench/python/signal_gap.py [N] [seed]

Prints one line: ``median <ms> returned <n> interrupted <n> kept <n> sent <n> lost <n>``.
Linux or macOS (``signal.setitimer``).
"""

from __future__ import annotations

import random
import signal
import statistics
import sys
import time
from decimal import Decimal
from types import FrameType

from p100.testing import Sandbox


class Interrupted(Exception):
    """What the timer's handler raises, as Ctrl-C raises ``KeyboardInterrupt``."""


ARMED = [False]


def handler(signum: int, frame: FrameType | None) -> None:
    # Raised only while a transfer is being called: a late timer after it returned is ignored.
    if ARMED[0]:
        ARMED[0] = False
        raise Interrupted


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    signal.signal(signal.SIGALRM, handler)
    with Sandbox(settle=0.05) as sb:
        c = sb.client(max_retries=0, timeout=5)

        def transfer() -> None:
            c.sepa.partner_transfer(
                amount=Decimal("1.00"),
                currency="eur",
                destination_iban="DE89370400440532013000",
                transfer_title="signal gap",
            )

        durations = []
        for _ in range(30):
            start = time.perf_counter()
            transfer()
            durations.append(time.perf_counter() - start)
        median = statistics.median(durations)
        before = sb.ops()["sepa.partner_transfer"]
        returned = interrupted = 0
        for _ in range(n):
            signal.setitimer(signal.ITIMER_REAL, random.uniform(0.7, 1.3) * median)
            try:
                ARMED[0] = True
                transfer()
                ARMED[0] = False
                returned += 1
            except Interrupted:
                interrupted += 1
            finally:
                ARMED[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
        time.sleep(0.2)
        kept = [k for k in c.take_cancelled() if k.outcome != "not_sent"]
        sent = sb.ops()["sepa.partner_transfer"] - before
        print(
            f"median {median * 1e3:.2f} ms returned {returned} interrupted {interrupted} "
            f"kept {len(kept)} sent {sent} lost {sent - returned - len(kept)}"
        )


if __name__ == "__main__":
    main()
