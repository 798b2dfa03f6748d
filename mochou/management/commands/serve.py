"""`mochou serve`: everything needed to run Mochou on one machine, in one command.

1. migrate the database (no questions asked);
2. with MOCHOU_DEMO on and no cases yet, seed the demo (calendar, units, categories, users, cases);
3. start the huey consumer (a child process running `run_huey`, periodic tasks included), unless
   --no-worker; it stops with the server (Ctrl-C, SIGTERM) and, on Linux, if the server dies;
4. serve the site with waitress (8 threads). Static files come from the apps' static folders
   through WhiteNoise (WHITENOISE_USE_FINDERS), so no collectstatic is needed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        parser.add_argument("--threads", type=int, default=8, help="waitress 线程数（默认8）")

    def handle(self, *args: Any, **options: Any) -> None:
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
        # jieba loads its dictionary in about a second: do it now, not in the first agent's search.
        from knowledge.text import tokenizer

        tokenizer()
        # ---- end of hook ----------------------------------------------------------------------

        self.check(display_num_errors=False)

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
        self.print_banner(options["host"], options["port"], worker is not None)

        def terminate(signum: int, frame: object) -> None:
            raise SystemExit(0)

        # Set explicitly: a shell starts background jobs with SIGINT ignored, and waitress only
        # stops on KeyboardInterrupt or SystemExit.
        previous = {sig: signal.signal(sig, terminate) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            server.run()  # returns on Ctrl-C or SIGTERM
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            with contextlib.suppress(Exception):
                server.close()
            if worker is not None:
                self.stop_worker(worker)
            write("莫愁已停止。")

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

    def print_banner(self, host: str, port: int, worker: bool) -> None:
        write = self.stdout.write
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        write("")
        write(self.style.SUCCESS(f"莫愁已启动：http://{shown}:{port}/"))
        write(f"后台管理：http://{shown}:{port}/admin/")
        write("后台任务进程：" + ("已启动（含定时任务）" if worker else "未启动"))
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
