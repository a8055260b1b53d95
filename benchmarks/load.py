"""Load: N concurrent chat sessions x 2 questions against a real `rag serve` on loopback.

    .venv/bin/python -m benchmarks.load [--sessions 50] [--timeout 600] [--api]

The server runs as its own process (the command a user runs), over an index of corpus/ built
into a temporary $RAG_HOME, so its peak RSS is its own. Each session is a gradio_client
Client asking two questions of the eval set through /chat, the endpoint the chat page uses;
sessions start at once. With --api, each session is an `openai` client asking through
/v1/chat/completions instead, its second question a follow-up carrying the first answer as
history; every other session streams (SSE), the rest ask for whole completions. Afterwards
every conversation is asked again, alone and in order, and each concurrent answer must equal
the one its conversation got alone ("mismatches"). The load comes first, so it meets a freshly
started server's caches, as real users would.

Prints: answered, errors, p50/p95 latency, answers per second, mismatches, server peak RSS.
The client threads share the machine's cores with the server, as they would on a laptop.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Session:
    questions: tuple[str, ...]
    stream: bool = False  # API mode: read the answer as server-sent events
    answers: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    error: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    rag = Path(sys.executable).with_name("rag")
    env = {**os.environ, "RAG_HOME": str(home), "RAG_API_KEY": API_KEY}
    subprocess.run([rag, "index", "build", str(ROOT / "corpus")], env=env, check=True)
    server = subprocess.Popen(
        [rag, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("rag serve exited before it answered") from None
            time.sleep(0.5)
    server.kill()
    raise SystemExit("rag serve did not start within 180 s")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has held (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


API_KEY = "load-benchmark-key"


def converse_api(url: str, session: Session, deadline: float, start: threading.Barrier) -> Session:
    """As `converse`, through the OpenAI-compatible API with the official client."""
    import openai

    client = openai.OpenAI(base_url=url + "v1", api_key=API_KEY, max_retries=0)
    start.wait()
    messages: list[dict[str, str]] = []
    try:
        for question in session.questions:
            messages.append({"role": "user", "content": question})
            started = time.perf_counter()
            timeout = max(1.0, deadline - time.monotonic())
            if session.stream:
                chunks = client.chat.completions.create(
                    model="rag",
                    messages=messages,
                    stream=True,
                    timeout=timeout,  # type: ignore[arg-type]
                )
                text = "".join(c.choices[0].delta.content or "" for c in chunks)
            else:
                completion = client.chat.completions.create(
                    model="rag",
                    messages=messages,
                    timeout=timeout,  # type: ignore[arg-type]
                )
                text = completion.choices[0].message.content or ""
            session.seconds.append(time.perf_counter() - started)
            session.answers.append(text)
            messages.append({"role": "assistant", "content": text})
    except Exception as exc:  # counted and shown, not raised: the run reports every session
        session.error = f"{type(exc).__name__}: {exc}"[:200]
    return session


def converse(url: str, session: Session, deadline: float, start: threading.Barrier) -> Session:
    """Connect, wait for every session to have connected, then ask the session's questions in
    one conversation; record each answer's text and time."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:
        session.error = f"connect: {type(exc).__name__}: {exc}"[:200]
    start.wait()
    if session.error:
        return session
    try:
        for question in session.questions:
            started = time.perf_counter()
            job = client.submit(question, api_name="/chat")
            messages, _, _ = job.result(timeout=max(1.0, deadline - time.monotonic()))
            session.seconds.append(time.perf_counter() - started)
            session.answers.append(str(messages[-1]["content"]))
    except Exception as exc:  # counted and shown, not raised: the run reports every session
        session.error = f"{type(exc).__name__}: {exc}"[:200]
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the load phase")
    parser.add_argument(
        "--nice",
        type=int,
        default=10,
        help="niceness of the client threads (default 10): users' browsers run elsewhere, so "
        "the clients should not take the server's cores; 0 to compete as equals",
    )
    parser.add_argument(
        "--api", action="store_true", help="ask through the OpenAI-compatible API (/v1)"
    )
    args = parser.parse_args()
    ask = converse_api if args.api else converse
    rows = [json.loads(line) for line in (ROOT / "eval/datasets/qa.jsonl").open()]
    questions = [r["question"] for r in rows]

    def conversation(n: int) -> tuple[str, ...]:
        return (questions[n % len(questions)], questions[(n + 17) % len(questions)])

    with tempfile.TemporaryDirectory() as home:
        port = free_port()
        server = start_server(Path(home), port)
        os.nice(args.nice)  # after the server started: it keeps the default priority
        url = f"http://127.0.0.1:{port}/"
        try:
            sessions = [Session(conversation(n), n % 2 == 0) for n in range(args.sessions)]
            deadline = time.monotonic() + args.timeout
            # Timing starts when every session has connected (the barrier's action).
            marks: dict[str, float] = {}

            def go() -> None:
                marks.update(
                    wall=time.perf_counter(),
                    cpu=cpu_seconds(server.pid),
                    clients=cpu_seconds(os.getpid()),
                )

            start = threading.Barrier(args.sessions, action=go)
            with ThreadPoolExecutor(max_workers=args.sessions) as pool:
                list(pool.map(lambda s: ask(url, s, deadline, start), sessions))
            wall = time.perf_counter() - marks["wall"]
            server_cpu = cpu_seconds(server.pid) - marks["cpu"]
            clients_cpu = cpu_seconds(os.getpid()) - marks["clients"]
            rss = peak_rss_mb(server.pid)
            alone: dict[tuple[tuple[str, ...], bool], list[str]] = {}
            for s in sessions:
                if (s.questions, s.stream) not in alone:
                    lone = Session(s.questions, s.stream)
                    asked = ask(url, lone, 1e12, threading.Barrier(1))
                    alone[s.questions, s.stream] = asked.answers
        finally:
            server.terminate()
            server.wait(timeout=30)

    seconds = [t for s in sessions for t in s.seconds]
    answered = len(seconds)
    errors = [s.error for s in sessions if s.error]
    mismatches = sum(
        a != b
        for s in sessions
        for a, b in zip(s.answers, alone[s.questions, s.stream], strict=False)
    )
    cuts = statistics.quantiles(seconds, n=100) if len(seconds) > 1 else [float("nan")] * 99
    how = (
        "the OpenAI-compatible API, half of them streaming" if args.api else "the chat page's /chat"
    )
    print(
        f"{args.sessions} sessions x 2 questions through {how} on 127.0.0.1 "
        f"({len({q for s in sessions for q in s.questions})} distinct questions), "
        f"{os.cpu_count()} cores"
    )
    print(f"  answered              {answered} of {2 * args.sessions}")
    print(f"  errors                {len(errors)}")
    print(f"  latency p50 / p95     {cuts[49]:.2f} s / {cuts[94]:.2f} s")
    print(f"  answers per second    {answered / wall:.2f}  ({wall:.1f} s in all)")
    print(f"  mismatches            {mismatches} (against each conversation asked alone)")
    per = max(answered, 1) / 1000
    print(f"  server CPU per answer {server_cpu / per:.0f} ms")
    print(
        f"  client CPU per answer {clients_cpu / per:.0f} ms "
        f"({'openai' if args.api else 'gradio_client'}, niceness {args.nice})"
    )
    print(f"  server peak RSS       {rss:,.0f} MB")
    for error in errors[:5]:
        print(f"  error: {error}")


if __name__ == "__main__":
    main()
