"""Serving processes on one listening socket, and stopping them without cutting a request short.

`mochou serve --workers N` (N > 1): the parent binds the socket once (`bind`) and starts N
children, each a `mochou serve --listen-fd FD` running waitress on the inherited socket; the kernel
hands each new connection to whichever child accepts it first. The children are fresh interpreters
(spawned, not forked): the parent has run migrations, trained the triage model and perhaps seeded
the demo, and a fork would carry that memory and any threads into every child. `Supervisor`
restarts a child that dies and stops them all on SIGTERM or SIGINT.

`serve_until_stopped` runs waitress's loop until asked to stop, then stops accepting, lets the
requests in flight finish (a bounded wait), and returns; one serving process (`--workers 1`) and
each child use it alike.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable
from typing import Any

from waitress import wasyncore
from waitress.server import BaseWSGIServer

logger = logging.getLogger("mochou.serve")

SHUTDOWN_SECONDS = 30  # how long requests in flight may take to finish once asked to stop
BACKLOG = 1024  # waitress's default


class StopFlag:
    """Set by SIGTERM or SIGINT; the serving loops poll it (a signal handler must do no more)."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def __call__(self) -> bool:
        return self.signum is not None

    def install(self) -> None:
        # Set explicitly: a shell starts background jobs with SIGINT ignored.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        self.signum = signum


def bind(host: str, port: int) -> socket.socket:
    """The listening socket the children share (the first address `host` resolves to)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once after a stop
    try:
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError:
        listener.close()
        raise
    return listener


# ------------------------------------------------------------------ one serving process


def _listeners(socket_map: dict[int, Any]) -> list[BaseWSGIServer]:
    return [d for d in socket_map.values() if isinstance(d, BaseWSGIServer)]


def _busy(listeners: Iterable[BaseWSGIServer], dispatcher: Any) -> bool:
    """A request is being received, run or sent on some connection. A thread counts until it is
    idle again: it still wakes the loop (through its trigger) after its response is queued."""
    return bool(
        dispatcher.active_count
        or dispatcher.queue
        or any(
            channel.request is not None or channel.requests or channel.total_outbufs_len
            for listener in listeners
            for channel in list(listener.active_channels.values())
        )
    )


def serve_until_stopped(server: Any, stopped: Callable[[], bool], grace: float = SHUTDOWN_SECONDS) -> bool:
    """Serve until `stopped()`, then drain: True when every request in flight finished in time.

    `server` is what waitress's create_server returns (one TcpWSGIServer, or a MultiSocketServer
    when the host resolves to several addresses): both keep their sockets in one asyncore map.
    """
    socket_map: dict[int, Any] = server.map if hasattr(server, "map") else server._map
    adj = server.adj
    listeners = _listeners(socket_map)

    def turn(timeout: float) -> None:
        wasyncore.loop(timeout=timeout, map=socket_map, use_poll=adj.asyncore_use_poll, count=1)

    while not stopped():
        turn(adj.asyncore_loop_timeout)  # one second at most: the flag is polled that often

    # Stop accepting: this process's copy of the listening socket is closed; the other children's
    # copies (and the parent's) stay open until they stop too.
    for listener in listeners:
        listener.accepting = False
        # Not listener.close(): waitress's also closes the trigger by which the threads wake the
        # loop to send what they wrote.
        wasyncore.dispatcher.close(listener)
    # Connections idle between keep-alive requests are closed now; the others finish.
    for listener in listeners:
        for channel in list(listener.active_channels.values()):
            if not (channel.request is not None or channel.requests or channel.total_outbufs_len):
                channel.handle_close()
    deadline = time.monotonic() + grace
    while _busy(listeners, server.task_dispatcher) and time.monotonic() < deadline:
        turn(0.05)
    drained = not _busy(listeners, server.task_dispatcher)
    if not drained:
        logger.warning("等待 %s 秒后仍有请求未完成，强制停止。", grace)
    server.task_dispatcher.shutdown(timeout=5)
    wasyncore.close_all(socket_map)
    return drained


# ------------------------------------------------------------------ the parent of N children


class Supervisor:
    """N serving children on one socket: started, restarted when they die, stopped together."""

    def __init__(self, command: list[str], listener: socket.socket, workers: int, grace: float) -> None:
        self.command = command  # the child's command line, without --listen-fd
        self.listener = listener
        self.workers = workers
        self.grace = grace
        self.children: dict[int, subprocess.Popen[bytes]] = {}  # slot → process
        self.started_at: dict[int, float] = {}
        self.restart_delay: dict[int, float] = {}
        self.due: dict[int, float] = {}  # slot → when to start it again

    def start(self, preexec_fn: Callable[[], None] | None = None) -> None:
        self.preexec_fn = preexec_fn
        for slot in range(self.workers):
            self.spawn(slot)

    def spawn(self, slot: int) -> None:
        fd = self.listener.fileno()
        env = {**os.environ, "MOCHOU_SERVE_SLOT": str(slot)}
        child = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [*self.command, "--listen-fd", str(fd)],
            env=env,
            pass_fds=(fd,),
            preexec_fn=self.preexec_fn,  # prctl only (PR_SET_PDEATHSIG); the parent runs no threads
        )
        self.children[slot] = child
        self.started_at[slot] = time.monotonic()

    def pids(self) -> list[int]:
        return [child.pid for child in self.children.values()]

    def watch(self, stopped: Callable[[], bool]) -> None:
        """Restart dead children until `stopped()`. A child that dies within ten seconds of its
        start is restarted after a growing delay (1, 2, 4 … 30 s), not in a tight loop."""
        while not stopped():
            now = time.monotonic()
            for slot, child in list(self.children.items()):
                code = child.poll()
                if code is None:
                    continue
                del self.children[slot]
                lived = now - self.started_at[slot]
                if lived > 10:  # a long life resets the backoff: the next quick death waits 1 s again
                    self.restart_delay.pop(slot, None)
                    delay = 0.0
                else:
                    delay = min(2 * self.restart_delay.get(slot, 0.5), 30.0)
                    self.restart_delay[slot] = delay
                self.due[slot] = now + delay
                logger.warning(
                    "网站进程 %s 已退出（%s），%s重启。",
                    child.pid,
                    _exit_reason(code),
                    f"{delay:.0f} 秒后" if delay else "立即",
                )
            for slot, when in list(self.due.items()):
                if when <= now and not stopped():
                    del self.due[slot]
                    self.spawn(slot)
                    logger.warning("网站进程已重启：%s", self.children[slot].pid)
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM to every child (each drains its requests), then wait; kill what is left."""
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace + 5
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("网站进程 %s 未按时停止，强制结束。", child.pid)
                child.kill()
                child.wait()
        self.listener.close()


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"信号 {signal.Signals(-code).name}"
        except ValueError:
            return f"信号 {-code}"
    return f"退出码 {code}"
