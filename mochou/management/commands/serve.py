"""`mochou serve`: everything needed to run Mochou on one machine, in one command.

1. migrate the database (no questions asked);
2. with MOCHOU_DEMO on and no cases yet, seed the demo (calendar, units, categories, users, cases);
3. start the huey consumer (a child process running `run_huey`, periodic tasks included), unless
   --no-worker; it stops with the server (Ctrl-C, SIGTERM) and, on Linux, if the server dies;
4. collect the static files with hashed names into STATIC_ROOT, unless unchanged since the last
   start (mochou.static_assets: `{% static %}` names a file by its content's hash, cached a year);
5. serve the site with waitress (8 threads per process): in this process with --workers 1, or in
   N child processes sharing one listening socket with --workers N, restarted when they die
   (mochou.prefork). SIGTERM or Ctrl-C stops accepting, lets the requests in flight finish (at most
   --shutdown-timeout seconds), stops the children and the worker, and exits 0.

`mochou serve --listen-fd FD` is such a child (started by the parent, not by people): it serves on
the inherited socket and nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mochou import prefork

WORKER_STOP_SECONDS = 10


def _die_with_parent() -> None:  # pragma: no cover (runs in the child, Linux only)
    """Ask the kernel to send the worker SIGTERM when the server process dies (PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class Command(BaseCommand):
    help = "迁移数据库、（演示模式下）生成演示数据、启动后台任务进程，并用 waitress 提供网站服务。"
    requires_system_checks: list[str] = []  # checked in handle(), after migrate and the demo seed

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认8000）")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程（huey）")
        parser.add_argument("--threads", type=int, default=8, help="每个网站进程的 waitress 线程数（默认8）")
        parser.add_argument(
            "--workers", type=_positive, default=1, help="网站进程数，共用一个监听端口（默认1）"
        )
        parser.add_argument(
            "--shutdown-timeout",
            type=float,
            default=prefork.SHUTDOWN_SECONDS,
            help=f"停止时等待进行中的请求完成的最长秒数（默认{prefork.SHUTDOWN_SECONDS}）",
        )
        # Internal: the parent of --workers N starts its children with this.
        parser.add_argument("--listen-fd", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["listen_fd"] is not None:
            self.serve_as_child(options)
            return
        from mochou.checks import insecure_secret_key

        if insecure_secret_key():
            raise CommandError(
                "未设置 SECRET_KEY，拒绝以公开的演示密钥提供服务。请设置 SECRET_KEY；"
                "只想看演示时用 ./dev serve（或 MOCHOU_DEMO=true mochou serve）。"
            )
        write = self.stdout.write
        call_command("migrate", interactive=False, verbosity=0)
        write("数据库已就绪。")
        self.seed_demo_if_empty()

        # ---- triage model -------------------------------------------------------------------
        # Train or load the classifier once, here, before the first request needs it; with triage
        # switched off (MOCHOU_TRIAGE=false) nothing asks it, so nothing is trained (a minute).
        if settings.MOCHOU_TRIAGE:
            from triage import ensure_model

            ensure_model()
        # jieba loads its dictionary in about a second: do it now, not in the first agent's search;
        # and write its compact form for the serving children (mochou.text: ~50 MB less each).
        from knowledge.text import tokenizer
        from mochou.text import save_compact_dictionary

        tokenizer()
        save_compact_dictionary(compact_dictionary_path())
        # ---- end of hook ----------------------------------------------------------------------

        self.check(display_num_errors=False)
        from mochou.static_assets import collect_static

        if collect_static():
            write("静态文件已收集（带内容哈希的文件名）。")
        if options["workers"] > 1:
            self.serve_with_children(options)
        else:
            self.serve_in_this_process(options)
        write("莫愁已停止。")

    # ------------------------------------------------------------------ serving

    def serve_in_this_process(self, options: dict[str, Any]) -> None:
        from waitress.server import create_server

        from mochou.wsgi import application

        try:
            server = create_server(application, **waitress_options(options))
        except OSError as exc:
            raise CommandError(
                f"无法在 {options['host']}:{options['port']} 上监听：{exc}（端口是否已被占用？）"
            ) from exc

        use_served_address_for_links(options["host"], options["port"])
        worker = None if options["no_worker"] else self.start_worker()
        self.print_banner(options["host"], options["port"], worker is not None, workers=1)
        stop = prefork.StopFlag()
        stop.install()
        try:
            prefork.serve_until_stopped(server, stop, options["shutdown_timeout"])
        finally:
            if worker is not None:
                self.stop_worker(worker)

    def serve_with_children(self, options: dict[str, Any]) -> None:
        try:
            listener = prefork.bind(options["host"], options["port"])
        except OSError as exc:
            raise CommandError(
                f"无法在 {options['host']}:{options['port']} 上监听：{exc}（端口是否已被占用？）"
            ) from exc
        # The children reopen the database themselves; nothing of this process's is inherited.
        from django.db import connections

        connections.close_all()
        use_served_address_for_links(options["host"], options["port"])  # the children inherit it
        child = [sys.executable, "-m", "mochou.cli", "serve", "--threads", str(options["threads"])]
        child += ["--shutdown-timeout", str(options["shutdown_timeout"])]
        supervisor = prefork.Supervisor(child, listener, options["workers"], options["shutdown_timeout"])
        stop = prefork.StopFlag()
        stop.install()
        supervisor.start(_die_with_parent if sys.platform.startswith("linux") else None)
        worker = None if options["no_worker"] else self.start_worker()
        self.print_banner(options["host"], options["port"], worker is not None, workers=options["workers"])
        try:
            supervisor.watch(stop)
        finally:
            supervisor.stop()
            if worker is not None:
                self.stop_worker(worker)

    def serve_as_child(self, options: dict[str, Any]) -> None:
        """One of the parent's N serving processes, on the socket it inherited."""
        import socket

        from waitress.server import create_server

        stop = prefork.StopFlag()
        stop.install()  # before the slow imports: a stop during them is not lost
        # jieba's dictionary, now rather than in the first agent's search (as the parent does), in
        # the compact form the parent wrote: a web process cuts only short texts (mochou.text).
        from knowledge.text import tokenizer
        from mochou.text import use_compact_dictionary
        from mochou.wsgi import application

        use_compact_dictionary(compact_dictionary_path())
        tokenizer()
        listener = socket.socket(fileno=options["listen_fd"])
        served = {k: v for k, v in waitress_options(options).items() if k not in ("host", "port")}
        server = create_server(application, sockets=[listener], **served)
        prefork.serve_until_stopped(server, stop, options["shutdown_timeout"])

    # ------------------------------------------------------------------ steps

    def seed_demo_if_empty(self) -> None:
        if not settings.MOCHOU_DEMO:
            return
        from accounts.demo import demo_logins
        from accounts.models import User
        from cases.models import Case

        demo_names = [login.username for login in demo_logins()]
        if Case.objects.exists() or User.objects.exclude(username__in=demo_names).exists():
            return  # real data, or a demo already seeded: leave it alone
        self.stdout.write("首次启动（演示模式）：正在生成演示数据……")
        self.stdout.flush()
        call_command("seed_demo", stdout=self.stdout)

    def start_worker(self) -> subprocess.Popen[bytes] | None:
        if settings.HUEY.get("immediate"):
            self.stdout.write("后台任务为即时模式（immediate），不启动任务进程。")
            return None
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        command = [
            sys.executable,
            "-m",
            "mochou.cli",
            "run_huey",
            "--workers",
            "2",
            "--worker-type",
            "thread",
            "--quiet",
        ]
        worker = subprocess.Popen(  # noqa: S603 (our own interpreter and module, fixed arguments)
            command,
            env=env,
            # Its own session: a Ctrl-C reaches the server only, which then stops the worker gracefully.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        time.sleep(0.5)
        if worker.poll() is not None:
            raise CommandError(f"后台任务进程启动失败（退出码 {worker.returncode}），请查看上方日志。")
        return worker

    def stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is not None:
            return
        worker.send_signal(signal.SIGINT)  # huey: finish the running tasks, then stop
        try:
            worker.wait(WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.terminate()
            try:
                worker.wait(5)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    def print_banner(self, host: str, port: int, worker: bool, workers: int) -> None:
        write = self.stdout.write
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        write("")
        write(self.style.SUCCESS(f"莫愁已启动：http://{shown}:{port}/"))
        write(f"后台管理：http://{shown}:{port}/admin/")
        write("后台任务进程：" + ("已启动（含定时任务）" if worker else "未启动"))
        if workers > 1:
            write(f"网站进程：{workers} 个（共用端口 {port}）")
        if settings.MOCHOU_DEMO:
            self.print_logins()
        write("按 Ctrl-C 停止。")
        self.stdout.flush()

    def print_logins(self) -> None:
        from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
        from accounts.models import Role, User

        users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
        rows = [
            (u.username, Role(u.role).label, u.unit.display_name if u.unit else "—", DEMO_PASSWORD)
            for login in DEMO_LOGINS
            if (u := users.get(login.username)) is not None
        ]
        if not rows:
            return
        header = ("用户名", "角色", "单位", "密码")
        widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(4)]
        write = self.stdout.write
        write("")
        write("演示账号（密码相同）：")
        for row in [header, *rows]:
            write("  " + "  ".join(_pad(str(cell), widths[i]) for i, cell in enumerate(row)))
        write("  其他单位另有 <简拼>_clerk / <简拼>_leader 账号，")
        write("  如 rsj_clerk（市人社局）、hjz_leader（胡集镇）。")
        write("")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("须为正整数")
    return number


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def use_served_address_for_links(host: str, port: int) -> str:
    """MOCHOU_PUBLIC_URL, derived from the served address when it is not set, for this process and
    the worker it starts (both build SMS links): `serve --port 8101` must not send links to :8000.
    Behind a proxy or on a public name, set MOCHOU_PUBLIC_URL: a phone cannot reach 127.0.0.1."""
    if not settings.MOCHOU_PUBLIC_URL:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        if ":" in shown:  # an IPv6 address
            shown = f"[{shown}]"
        settings.MOCHOU_PUBLIC_URL = f"http://{shown}:{port}"
    os.environ["MOCHOU_PUBLIC_URL"] = settings.MOCHOU_PUBLIC_URL
    return str(settings.MOCHOU_PUBLIC_URL)


def waitress_options(options: dict[str, Any]) -> dict[str, Any]:
    """How waitress serves: bounded request bodies, and a trusted reverse proxy when configured."""
    from django.conf import settings

    served: dict[str, Any] = {
        "host": options["host"],
        "port": options["port"],
        "threads": options["threads"],
        # The largest legitimate body is a citizen's three 5 MB photos; refuse more before buffering.
        "max_request_body_size": 20 * 1024 * 1024,
    }
    if settings.MOCHOU_TRUSTED_PROXY:
        served.update(
            trusted_proxy=settings.MOCHOU_TRUSTED_PROXY,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            clear_untrusted_proxy_headers=True,
        )
    return served


def compact_dictionary_path() -> Path:
    """The serving children's jieba dictionary (mochou.text), in this installation's own var
    directory: written by the parent at every start, read by each child."""
    return Path(settings.VAR_DIR) / "jieba-compact.json"
