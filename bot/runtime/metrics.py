"""Prometheus metrics of one bot process, served by bot/web/server.py on METRICS_PORT.

Names follow Prometheus conventions: counters end in _total, durations are in seconds.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES_PROCESSED = Counter(
    "kinerja_updates_processed_total",
    "Telegram updates handled, by kind (message, callback_query, ...) and outcome (ok, error).",
    ["kind", "outcome"],
)
HANDLER_LATENCY = Histogram(
    "kinerja_handler_latency_seconds",
    "Time from the start of handling an update to its end, by update kind.",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
OUTBOX_DEPTH = Gauge(
    "kinerja_outbox_depth",
    "Outbox messages waiting to be sent, by kind (refreshed every few seconds by the active bot).",
    ["kind"],
)
SENDS = Counter(
    "kinerja_sends_total",
    "Outbox sends by kind and result (sent, failed, blocked, retry).",
    ["kind", "result"],
)
FLOOD_WAITS = Counter(
    "kinerja_telegram_429_total",
    "HTTP 429 (Too Many Requests) answers seen from the Bot API.",
)
ACTIVE = Gauge(
    "kinerja_active",
    "1 while this process is the active instance (polling, scheduler, outbox); 0 on standby.",
)
