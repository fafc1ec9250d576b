"""``retrowalk serve`` with several workers keeps Nagle's algorithm off (uvicorn issue 3149),
with asyncio's event loop and with uvloop's; it asks uvicorn for uvloop and httptools."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import uvloop

from retrowalk.web.server import TcpConfig, tcp_socket

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}


def _accepted_nodelay(listener: socket.socket, loop: str = "asyncio") -> int:
    """TCP_NODELAY of a connection an event loop (``LOOPS``) accepts on ``listener`` (as
    uvicorn's workers do)."""

    async def probe() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            server.close()

    # A thread of its own: another test in this worker (Playwright's sync API) may have left
    # an event loop running in the main thread, where asyncio.run refuses to start.
    def run() -> int:
        with asyncio.Runner(loop_factory=LOOPS[loop]) as runner:
            return runner.run(probe())

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=30)


def _bound() -> socket.socket:
    """A listening socket made the way uvicorn's ``Config.bind_socket`` makes it."""
    sock = socket.socket(family=socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def test_a_socket_bound_like_uvicorn_loses_nodelay_and_the_rewrapped_one_keeps_it() -> None:
    plain = _bound()
    assert plain.proto != socket.IPPROTO_TCP
    assert _accepted_nodelay(plain) == 0  # the problem this module works around

    fixed = _bound()
    address = fixed.getsockname()
    fixed = tcp_socket(fixed)
    assert fixed.proto == socket.IPPROTO_TCP
    assert fixed.getsockname() == address
    assert fixed.get_inheritable()
    assert _accepted_nodelay(fixed) != 0


def test_uvloop_keeps_nagle_off_even_on_a_socket_bound_like_uvicorn() -> None:
    assert _accepted_nodelay(_bound(), "uvloop") != 0
    assert _accepted_nodelay(tcp_socket(_bound()), "uvloop") != 0


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_the_config_of_retrowalk_serve_binds_a_tcp_socket(loop: str) -> None:
    config = TcpConfig("retrowalk.web.app:create_app_from_environment", port=0, workers=2)
    sock = config.bind_socket()
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert _accepted_nodelay(sock, loop) != 0
    finally:
        sock.close()


def test_workers_get_time_to_start_before_the_supervisor_replaces_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import inspect

    import uvicorn

    from retrowalk.web import server

    if "timeout_worker_healthcheck" not in inspect.signature(uvicorn.Config).parameters:
        pytest.skip("this uvicorn has no worker health check")
    seen: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: seen.append(self.config))
    server.run("retrowalk.web.app:create_app_from_environment", factory=True, port=0)
    assert seen[0].timeout_worker_healthcheck == server.WORKER_HEALTHCHECK_S > 5  # uvicorn: 5
    server.run(
        "retrowalk.web.app:create_app_from_environment", port=0, timeout_worker_healthcheck=9
    )
    assert seen[1].timeout_worker_healthcheck == 9  # an explicit choice is kept


def test_the_server_asks_uvicorn_for_uvloop_and_httptools(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from retrowalk.web import server

    assert server.fast_paths() == {"loop": "uvloop", "http": "httptools"}  # both dependencies
    seen: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: seen.append(self.config))
    server.run("retrowalk.web.app:create_app_from_environment", factory=True, port=0)
    assert (seen[0].loop, seen[0].http) == ("uvloop", "httptools")
    server.run("retrowalk.web.app:create_app_from_environment", port=0, http="h11")
    assert (seen[1].loop, seen[1].http) == ("uvloop", "h11")  # an explicit choice is kept
    monkeypatch.setattr(server, "FAST_PATHS", {**server.FAST_PATHS, "http": "no_such_parser"})
    server.run("retrowalk.web.app:create_app_from_environment", port=0)
    assert seen[2].http == "auto"  # uvicorn's default when the fast one is missing
