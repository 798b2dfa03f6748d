"""The crash test: concurrent intake through the API while the server and the worker are killed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mochou_crash .venv/bin/python -m bench.crash

On PostgreSQL (an empty database of its own: it is migrated and given the demo's units, users and
categories), this starts the real server (`mochou serve --no-worker`) and the real worker
(`mochou run_huey`, as `mochou serve` starts it) on 127.0.0.1, with triage on and SMS going to a
small gateway in this process that counts what it receives. Client threads register cases
through `POST /api/v1/cases`, each with its own `Idempotency-Key`, retrying after any failure until
they get their 201. Meanwhile the server, the worker or both are killed with SIGKILL at random
moments and restarted. Then the worker's sweeps get their time to recover, and the run prints:

- acknowledged: requests that got a 201; found: those whose case is in the database; lost; and
  duplicated (a key with more than one case);
- inconsistent: a case whose state is not its last event's, whose events are not 1..n, or which
  was triaged twice;
- left without triage, SMS not handed over (still queued) and SMS sent twice, after recovery —
  with the same counts just after the last restart, to show the sweeps had work to do.

Everything is bounded (requests, kills, seconds), loopback only, and it stops by itself. See
docs/crash.md for the figures of a run.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import http.server
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
MARKER = "压测"  # in every case's content, with the request's key: "压测 crash-<run>-<n>"
KEY_IN_CONTENT = re.compile(r"压测 (crash-[0-9a-f]+-\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- a counting SMS gateway


class Gateway:
    """Receives the worker's SMS (MOCHOU_SMS_BACKEND=http) and counts each body."""

    def __init__(self) -> None:
        self.received: collections.Counter[str] = collections.Counter()
        lock = threading.Lock()
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with lock:
                    received[str(body.get("body", ""))] += 1
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        self.url = f"http://{HOST}:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- the processes under test


class Platform:
    """The server and the worker as child processes, each killable on its own."""

    def __init__(self, env: dict[str, str], port: int, logs: Path) -> None:
        self.env, self.port, self.logs = env, port, logs
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.starts = collections.Counter[str]()

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        self.starts[name] += 1
        log = open(self.logs / f"{name}-{self.starts[name]}.log", "wb")  # noqa: SIM115 (the child owns it)
        return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "mochou.cli", *args],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill here reaches it and only it
        )

    def start_server(self, timeout: float = 90, attempts: int = 3) -> None:
        for attempt in range(attempts):
            try:
                return self._start_server(timeout)
            except RuntimeError as failure:
                # A start can fail for a moment (the killed server's port, a database still
                # recovering its connections): try again, then give up with the log.
                if attempt == attempts - 1:
                    raise SystemExit(str(failure)) from None
                time.sleep(2)

    def _start_server(self, timeout: float) -> None:
        self.server = self._spawn(
            "server", "serve", "--no-worker", "--host", HOST, "--port", str(self.port), "--threads", "8"
        )
        log = self.logs / f"server-{self.starts['server']}.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                tail = log.read_text(errors="replace")[-1500:]
                raise RuntimeError(f"服务进程启动失败（退出码 {self.server.returncode}）：\n{tail}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/api/openapi.json")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"服务进程 {timeout:.0f} 秒内未就绪，见 {log}")

    def start_worker(self) -> None:
        self.worker = self._spawn(
            "worker", "run_huey", "--workers", "2", "--worker-type", "thread", "--quiet"
        )

    def kill(self, which: str) -> None:
        for name in ("server", "worker") if which == "both" else (which,):
            process = getattr(self, name)
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (self.server, self.worker):
            if process is None:
                continue
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_command(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "mochou.cli", *args], env=env, cwd=ROOT, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"mochou {' '.join(args)} 失败：\n{done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout.decode()


# ---------------------------------------------------------------- the clients


@dataclass
class Intake:
    run: str
    port: int
    token: str
    total: int
    deadline: float
    acknowledged: dict[str, str] = field(default_factory=dict)  # key → number of its 201
    retries: int = 0
    refused: list[str] = field(default_factory=list)
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> int | None:
        with self._lock:
            if self._next >= self.total or time.monotonic() > self.deadline:
                return None
            self._next += 1
            return self._next

    def body(self, n: int, key: str) -> bytes:
        payload = {
            "channel": "api",
            "kind": "complaint" if n % 3 else "help",
            "title": f"郢中街道路灯不亮 {n}",
            "content": f"郢中街道莫愁湖路第{n}号路灯连续几晚不亮，夜里行人看不清路，请尽快修复。"
            f"{MARKER} {key}",
            "citizen_name": "测试市民",
            "citizen_phone": f"138{n:08d}",
            "address": f"郢中街道莫愁湖路{n}号",
            "township": "420881001",
        }
        return json.dumps(payload, ensure_ascii=False).encode()

    def client(self) -> None:
        while (n := self.take()) is not None:
            key = f"crash-{self.run}-{n}"
            body = self.body(n, key)
            tries = 0
            while time.monotonic() < self.deadline + 60:  # a started request may finish a little late
                tries += 1
                try:
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=20)
                    conn.request(
                        "POST",
                        "/api/v1/cases",
                        body=body,
                        headers={
                            "Authorization": f"Bearer {self.token}",
                            "Content-Type": "application/json",
                            "Idempotency-Key": key,
                        },
                    )
                    response = conn.getresponse()
                    answer = response.read()
                    conn.close()
                except (OSError, http.client.HTTPException):
                    time.sleep(0.2 + random.random() * 0.3)  # the server is down: try again
                    continue
                if response.status == 201:
                    with self._lock:
                        self.acknowledged[key] = json.loads(answer)["number"]
                        self.retries += tries - 1
                    break
                if response.status >= 500:
                    time.sleep(0.3)
                    continue
                with self._lock:
                    self.refused.append(f"{key}: {response.status} {answer[:200]!r}")
                break


# ---------------------------------------------------------------- what the database says


def inspect(run: str, gateway: Gateway) -> dict[str, Any]:
    from cases.models import Case, CaseEvent
    from notifications.models import SmsMessage
    from triage.models import Suggestion

    connection.close()  # a fresh connection sees everything the children committed
    cases = list(
        Case.objects.filter(content__contains=f"{MARKER} crash-{run}-").values("pk", "number", "state")
    )
    by_key: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for row in Case.objects.filter(pk__in=[c["pk"] for c in cases]).values("pk", "number", "content"):
        match = KEY_IN_CONTENT.search(row["content"])
        if match:
            by_key[match.group(1)].append(dict(row))
    ids = [c["pk"] for c in cases]
    events: dict[int, list[tuple[int, str, str]]] = collections.defaultdict(list)
    for e in (
        CaseEvent.objects.filter(case_id__in=ids)
        .order_by("seq")
        .values_list("case_id", "seq", "action", "to_state")
    ):
        events[e[0]].append(e[1:])
    suggestions = collections.Counter(
        Suggestion.objects.filter(case_id__in=ids).values_list("case_id", flat=True)
    )
    inconsistent = []
    untriaged = []
    for case in cases:
        log = events[case["pk"]]
        triages = sum(1 for _, action, _ in log if action == "triage")
        broken = (
            not log
            or [seq for seq, _, _ in log] != list(range(1, len(log) + 1))
            or log[0][1] != "register"
            or log[-1][2] != case["state"]
            or triages > 1
            or suggestions[case["pk"]] > 1
        )
        if broken:
            inconsistent.append(case["number"])
        if triages == 0 and suggestions[case["pk"]] == 0:
            untriaged.append(case["number"])
    messages = list(SmsMessage.objects.filter(case_id__in=ids).values("status", "body"))
    return {
        "cases": len(cases),
        "by_key": by_key,
        "inconsistent": inconsistent,
        "untriaged": untriaged,
        "sms": len(messages),
        "sms_queued": sum(1 for m in messages if m["status"] == SmsMessage.Status.QUEUED),
        "sms_failed": sum(1 for m in messages if m["status"] == SmsMessage.Status.FAILED),
        "sms_twice": sum(1 for m in messages if gateway.received[m["body"]] > 1),
    }


# ---------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="崩溃测试：并发登记工单时反复 SIGKILL 服务与后台任务进程。")
    parser.add_argument("--requests", type=int, default=150, help="登记请求数（默认150）")
    parser.add_argument("--clients", type=int, default=6, help="并发客户端数（默认6）")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILL 次数（默认5）")
    parser.add_argument("--seconds", type=float, default=240, help="登记阶段的时限（秒，默认240）")
    parser.add_argument("--recover-seconds", type=float, default=360, help="等待恢复的时限（秒，默认360）")
    parser.add_argument("--seed", type=int, default=None, help="随机种子（默认随机）")
    parser.add_argument("--keep", action="store_true", help="保留临时目录（日志）")
    args = parser.parse_args(argv)

    if connection.vendor != "postgresql":
        raise SystemExit("崩溃测试需要 PostgreSQL：请设置 DATABASE_URL=postgres://…（用一个专门的空库）。")
    seed = args.seed if args.seed is not None else secrets.randbelow(10**6)
    rng = random.Random(seed)
    run = secrets.token_hex(3)
    tmp = Path(tempfile.mkdtemp(prefix="mochou-crash-"))
    gateway = Gateway()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="mochou.settings",
        MOCHOU_VAR_DIR=str(tmp / "var"),  # the huey queue (SQLite) of this run only
        MOCHOU_TRIAGE="true",
        MOCHOU_TRIAGE_MODEL=str(tmp / "var" / "triage" / "model.joblib"),
        MOCHOU_DEMO="false",
        MOCHOU_SMS_BACKEND="http",
        MOCHOU_SMS_URL=gateway.url,
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS=HOST,
        DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    (tmp / "var").mkdir()
    print(
        f"崩溃测试 run={run} seed={seed}：{args.requests} 个请求，{args.clients} 个客户端，"
        f"{args.kills} 次 SIGKILL"
    )
    print(f"临时目录 {tmp}")
    platform = Platform(env, free_port(), tmp)
    try:
        started = time.monotonic()
        run_command(env, "migrate", "--no-input")
        from org.models import Unit

        connection.close()
        if not Unit.objects.filter(code="420881001").exists():
            run_command(env, "seed_demo", "--cases", "0")
        run_command(env, "triage", "train")
        token = run_command(env, "token", "agent1").strip().splitlines()[-1].strip()
        print(f"准备就绪（{time.monotonic() - started:.0f} 秒：迁移、演示单位与账号、分拣模型）")

        intake_started = time.monotonic()
        platform.start_server()
        platform.start_worker()
        intake = Intake(run, platform.port, token, args.requests, time.monotonic() + args.seconds)
        clients = [threading.Thread(target=intake.client, daemon=True) for _ in range(args.clients)]
        for thread in clients:
            thread.start()

        victims = ["server", "worker", "both"]
        kills: list[str] = []
        for k in range(args.kills):
            time.sleep(rng.uniform(1.5, 5.0))
            if all(not t.is_alive() for t in clients):
                break
            if k % len(victims) == 0:
                rng.shuffle(victims)
            victim = victims[k % len(victims)]
            platform.kill(victim)
            kills.append(f"{victim}@{len(intake.acknowledged)}")
            time.sleep(rng.uniform(0.1, 1.5))
            if victim in ("worker", "both"):
                platform.start_worker()
            if victim in ("server", "both"):
                platform.start_server()
        for thread in clients:
            thread.join()
        intake_seconds = time.monotonic() - intake_started
        print(f"SIGKILL：{'，'.join(kills)}（被杀进程@当时已确认数）")

        before = inspect(run, gateway)
        # Recovery is the worker's own periodic sweeps (triage every minute, SMS every two, each
        # after a two-minute grace): wait for them, bounded.
        recover_until = time.monotonic() + args.recover_seconds
        after = before
        while time.monotonic() < recover_until:
            after = inspect(run, gateway)
            if not after["untriaged"] and not after["sms_queued"]:
                break
            time.sleep(5)
        recovered_in = args.recover_seconds - max(0.0, recover_until - time.monotonic())
        platform.stop()
        after = inspect(run, gateway)

        acked = intake.acknowledged
        found = [k for k in acked if after["by_key"].get(k)]
        wrong_number = [k for k in found if acked[k] not in {c["number"] for c in after["by_key"][k]}]
        duplicated = [k for k, rows in after["by_key"].items() if len(rows) > 1]
        unacked_cases = sum(len(rows) for k, rows in after["by_key"].items() if k not in acked)
        report = [
            ("acknowledged (201)", len(acked)),
            ("found", len(found)),
            ("lost", len(acked) - len(found)),
            ("answered with another case's number", len(wrong_number)),
            ("duplicated", len(duplicated)),
            ("cases never acknowledged (client gave up)", unacked_cases),
            ("inconsistent", len(after["inconsistent"])),
            ("left without triage, before recovery", len(before["untriaged"])),
            ("left without triage, after recovery", len(after["untriaged"])),
            ("SMS stored", after["sms"]),
            ("SMS not handed over, before recovery", before["sms_queued"]),
            ("SMS not handed over, after recovery", after["sms_queued"]),
            ("SMS failed", after["sms_failed"]),
            ("SMS sent twice", after["sms_twice"]),
        ]
        print()
        print(
            f"登记阶段 {intake_seconds:.0f} 秒，恢复等待 {recovered_in:.0f} 秒；"
            f"重试 {intake.retries} 次；服务启动 {platform.starts['server']} 次，后台任务进程启动 "
            f"{platform.starts['worker']} 次"
        )
        width = max(len(name) for name, _ in report)
        for name, value in report:
            print(f"  {name:<{width}}  {value}")
        for line in intake.refused[:5]:
            print(f"  refused: {line}")
        bad = (
            len(acked) - len(found)
            or wrong_number
            or duplicated
            or after["inconsistent"]
            or after["untriaged"]
            or after["sms_queued"]
            or intake.refused
        )
        print("结果：" + ("有问题" if bad else "通过"))
        return 1 if bad else 0
    finally:
        platform.kill("both")
        gateway.close()
        if args.keep:
            print(f"日志保留在 {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
