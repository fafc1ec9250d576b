"""Run the web app under uvicorn, with one or more worker processes.

``run`` is ``uvicorn.run`` with one correction: with ``workers > 1`` uvicorn binds the
listening socket itself and leaves its protocol number at 0; accepted connections inherit it,
and asyncio turns Nagle's algorithm off (``TCP_NODELAY``) only on sockets that say they are
TCP. Without it every answer on a kept-alive connection after the first waits for the client's
delayed ACK: about 40 ms on Linux (uvicorn issue 3149; measured with
``benchmarks/load_bench.py``: a static file took 44 ms with 2 workers, 2 ms with 1). Here the
listening socket is re-wrapped so it reports ``IPPROTO_TCP``.

A second correction: uvicorn's supervisor pings each worker and kills one that has not answered
within ``timeout_worker_healthcheck`` (5 s by default), then starts another. A worker answers
only once it has imported the app, which on a busy or slow machine takes longer than 5 s (15 s
measured here with the load benchmark and other jobs running): every new worker was killed while
starting, and ``retrowalk serve --workers 2`` took 20-60 s to answer its first request. Here the
workers get ``WORKER_HEALTHCHECK_S`` (a hung worker is still replaced, later).

uvicorn's fast paths, both dependencies of retrowalk: the uvloop event loop and the httptools
HTTP parser (``FAST_PATHS``; uvicorn's "auto" picks them too, here they are asked for by name
and fall back to asyncio and h11 where they are not installed, e.g. uvloop on Windows). One
worker serving ``GET /static/favicon.svg`` spent 1.9-2.5 ms of CPU per request with asyncio
and h11, 0.9-1.1 ms with uvloop and httptools; a 404 of the API 1.1-1.4 ms against 0.5-0.8
(measured 2026-11-25 on the 2-core machine). uvloop turns ``TCP_NODELAY`` on for every TCP
connection it accepts, so the correction above matters only without it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

WORKER_HEALTHCHECK_S = 60
"""How long a worker may take to answer the supervisor's ping (starting, or busy)."""


FAST_PATHS = {"loop": "uvloop", "http": "httptools"}
"""uvicorn's option -> the faster implementation, used when its module is installed."""


def fast_paths() -> dict[str, str]:
    """The options of ``FAST_PATHS`` whose module is installed."""
    return {
        option: name
        for option, name in FAST_PATHS.items()
        if importlib.util.find_spec(name) is not None
    }


class TcpConfig(uvicorn.Config):
    """uvicorn's configuration whose bound TCP socket says it is TCP (see the module doc)."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        return tcp_socket(sock)


def tcp_socket(sock: socket.socket) -> socket.socket:
    """The same listening socket, reporting ``IPPROTO_TCP`` when it is an IP stream socket."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    wrapped = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    wrapped.set_inheritable(True)
    return wrapped


def run(app: str, *, workers: int = 1, **options: Any) -> None:
    """Serve the ASGI app named ``app`` ("module:attribute"; add ``factory=True`` for a
    factory) with ``workers`` processes; ``options`` are ``uvicorn.Config``'s."""
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:
        options.setdefault("timeout_worker_healthcheck", WORKER_HEALTHCHECK_S)
    for option, name in fast_paths().items():
        options.setdefault(option, name)
    config = TcpConfig(app, workers=workers, **options)
    server = uvicorn.Server(config=config)
    if config.workers <= 1:
        server.run()
        return
    sockets = [config.bind_socket()]
    if "target" in inspect.signature(Multiprocess).parameters:  # older uvicorn
        supervisor = Multiprocess(config, target=server.run, sockets=sockets)  # type: ignore[call-arg]
    else:
        supervisor = Multiprocess(config, sockets=sockets)
    with contextlib.suppress(KeyboardInterrupt):  # the supervisor handles signals itself
        supervisor.run()
