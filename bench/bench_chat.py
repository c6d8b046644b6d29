"""Chat-app benchmark: N concurrent socket.io clients x M messages against one `chainlit run app.py`.

Each client is a browser tab's worth of protocol (tests/chat/chat_harness.py): it connects, then sends its
messages one after another, each time waiting until the streamed answer is complete (the final assistant message
and the end of the server's task). Round trip = send -> that point, which in the persisted run is after both
messages are fsync'd.

The same run is repeated against a server with PULSEPAL_BENCH_NO_PERSIST=1 (same answers and streaming, no store),
and the ratio of the two is printed, because absolute times on shared machines drift while ratios hold. After the
persisted run every conversation is downloaded and checked message by message: nothing may be lost.

Two scenarios: "saturated" (each client sends its next message the moment an answer completes: a closed loop that
measures capacity, where latency is roughly clients / throughput) and "users" (a think time between messages, as
people have; the load a 100-user deployment really sees).
Targets: 0 errors, 0 lost, p99 <= 250 ms (on 2 cores), persistence adds <= 10% (p50 and p99).
Usage: python bench/bench_chat.py [--clients 100] [--messages 20] [--rounds 2] [--think 2]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent


def _load_harness():
    """The tests' socket.io harness, loaded from its file (tests/ is not a package the install provides)."""
    spec = importlib.util.spec_from_file_location("chat_harness", REPO / "tests" / "chat" / "chat_harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("chat_harness", module)
    spec.loader.exec_module(module)
    return module


_harness = _load_harness()
ChatClient, ChatServer, login_local = _harness.ChatClient, _harness.ChatServer, _harness.login_local

QUESTIONS = [
    "What does mr.makeTrapezoid do?",
    "How do I make a sinc pulse?",
    "What is mr.makeAdc?",
    "How do I calculate the TE of a spin echo?",
    "Show me a gradient echo sequence",
    "What does seq.checkTiming do?",
    "How do I add a block to a sequence?",
    "What is mr.opts?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def one_client(base: str, token: str, index: int, messages: int, start: asyncio.Event, out: dict,
                     think: float = 0.0) -> None:
    client = ChatClient(base, token)
    sent: list[str] = []
    rng = random.Random(index)
    try:
        try:
            await client.connect(timeout=60)
        finally:
            out["ready"] += 1
        await start.wait()
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # people do not all press Enter in the same millisecond
        for n in range(messages):
            if think and n:
                await asyncio.sleep(rng.expovariate(1 / think))  # reading the answer, typing the next question
            text = f"{QUESTIONS[(index + n) % len(QUESTIONS)]} (client {index}, message {n})"
            t0 = time.perf_counter()
            reply = await client.ask(text, timeout=60)
            out["latencies"].append(time.perf_counter() - t0)
            sent.append(text)
            if not reply or any(isinstance(d, dict) and d.get("isError") for d in client.find("new_message")):
                out["errors"].append(f"client {index} message {n}: empty or error reply")
        out["threads"].append((client.thread_id, sent))
    except Exception as exc:  # noqa: BLE001 - every failure counts, none stops the run
        out["errors"].append(f"client {index}: {type(exc).__name__}: {exc}")
    finally:
        await client.close()


async def run(server: ChatServer, clients: int, messages: int, think: float = 0.0) -> dict:
    token = login_local(server.base)
    out = {"latencies": [], "errors": [], "threads": [], "token": token, "ready": 0}
    start = asyncio.Event()
    tasks = [asyncio.create_task(one_client(server.base, token, i, messages, start, out, think))
             for i in range(clients)]
    while out["ready"] < clients:  # connections first (not what is measured), then everybody talks at once
        await asyncio.sleep(0.05)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    out["wall"] = time.perf_counter() - t0
    return out


def count_lost(server: ChatServer, result: dict) -> int:
    """Every user message and its answer must be in the store, in order."""
    lost = 0
    with httpx.Client(cookies={"access_token": result["token"]}, timeout=30) as http:
        for thread_id, sent in result["threads"]:
            if not thread_id:
                lost += 2 * len(sent)
                continue
            document = http.get(f"{server.base}/pulsepal/conversations/{thread_id}.json").json()
            stored = [e for e in document.get("events", []) if e.get("type") == "message"]
            users = [e["content"] for e in stored if e["role"] == "user"]
            answers = [e for e in stored if e["role"] == "assistant" and e["content"]]
            lost += sum(1 for text in sent if text not in users) + max(0, len(sent) - len(answers))
    return lost


def summary(label: str, result: dict) -> dict:
    lat = result["latencies"]
    row = {
        "label": label,
        "messages": len(lat),
        "errors": len(result["errors"]),
        "p50_ms": percentile(lat, 50) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "mean_ms": (statistics.fmean(lat) * 1000) if lat else float("nan"),
        "msg_per_s": len(lat) / result["wall"] if result.get("wall") else 0.0,
    }
    print(f"  {label:<14} {row['messages']:>5} msgs  {row['errors']} errors  p50 {row['p50_ms']:7.1f} ms  "
          f"p99 {row['p99_ms']:7.1f} ms  mean {row['mean_ms']:7.1f} ms  {row['msg_per_s']:7.1f} msg/s")
    for error in result["errors"][:5]:
        print(f"      error: {error}")
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="alternating persisted / no-store runs per mode")
    parser.add_argument("--no-deflate", action="store_true",
                        help="run both servers with UVICORN_WS_PER_MESSAGE_DEFLATE=false (a deployment choice)")
    parser.add_argument("--only", choices=["saturated", "users"], help="run one scenario only")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a user waits between messages in the second scenario (0 skips it)")
    args = parser.parse_args()

    print(f"bench_chat: {args.clients} clients x {args.messages} messages, {os.cpu_count()} CPUs, "
          f"{args.rounds} round(s) per mode (best round reported)")
    workdir = Path(tempfile.mkdtemp(prefix="pulsepal-bench-chat-"))
    common = {"UVICORN_WS_PER_MESSAGE_DEFLATE": "false"} if args.no_deflate else {}
    persisted = ChatServer(workdir / "persist", env=common).start()
    bare = ChatServer(workdir / "nostore", env={**common, "PULSEPAL_BENCH_NO_PERSIST": "1"}).start()
    scenarios = [("saturated: every client sends its next message as soon as the answer is complete", 0.0)]
    if args.only == "users":
        scenarios = []
    if args.think > 0 and args.only != "saturated":
        label = f"users: ~{args.think:g} s between a client's messages (exponential), starts spread"
        scenarios.append((label, args.think))
    verdicts = []
    try:
        for server in (persisted, bare):  # warm both (imports, answer index, first connections)
            asyncio.run(run(server, 5, 2))
        for title, think in scenarios:
            print(f"\n== {title}")
            rows: dict[str, list[dict]] = {"persisted": [], "no store": []}
            lost_total = errors_total = 0
            for round_no in range(args.rounds if not think else 1):
                print(f"round {round_no + 1}")
                result = asyncio.run(run(persisted, args.clients, args.messages, think))
                rows["persisted"].append(summary("persisted", result))
                lost = count_lost(persisted, result)
                lost_total += lost
                errors_total += len(result["errors"])
                print(f"  {'':<14} lost messages (store checked one by one): {lost}")
                result = asyncio.run(run(bare, args.clients, args.messages, think))
                rows["no store"].append(summary("no store", result))
                errors_total += len(result["errors"])
            best = {mode: min(r, key=lambda row: row["p99_ms"]) for mode, r in rows.items()}
            p, b = best["persisted"], best["no store"]
            p50_ratio, p99_ratio = p["p50_ms"] / b["p50_ms"], p["p99_ms"] / b["p99_ms"]
            print(f"  result: errors {errors_total}, lost {lost_total}; persisted p50 {p['p50_ms']:.1f} ms, "
                  f"p99 {p['p99_ms']:.1f} ms (target <= 250 ms); no store p50 {b['p50_ms']:.1f} ms, "
                  f"p99 {b['p99_ms']:.1f} ms")
            print(f"  persistence cost: p50 x{p50_ratio:.3f}  p99 x{p99_ratio:.3f}   (target <= x1.10)")
            ok = errors_total == 0 and lost_total == 0 and p["p99_ms"] <= 250 and max(p50_ratio, p99_ratio) <= 1.10
            print("  verdict:", "all targets met" if ok else "TARGET MISSED")
            verdicts.append(ok)
    finally:
        persisted.kill()
        bare.kill()
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
