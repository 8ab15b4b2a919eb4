"""N concurrent browser sessions against the running app on loopback: throughput, latency and lost picks.

    python bench/load.py [--sessions 4] [--picks 6] [--n 8] [--size 256] [--preset great_wave] [--port PORT]

Starts `python app.py` as a subprocess (the real Gradio server, queue and middleware) on 127.0.0.1 with a temporary
STYLEGAN_APP_DATA, makes one warm-up call (the first generate loads the model), then runs --sessions clients at
once, each its own Gradio session (its own session hash, so its own gr.State on the server), each doing:
Generate (--n candidates at --size px, seed 1000 + client, through gradio_client's /on_generate) and then --picks
clicks on gallery items (toggles: a second click on the same item unpicks it). A gallery click carries SelectData,
which gradio_client cannot send, so the clicks go over HTTP exactly as the browser sends them: POST
/gradio_api/queue/join with fn_index, trigger_id and event_data, then the SSE stream /gradio_api/queue/data of the
same session hash. Latency is from submit to the completion message, per call.

After every client has finished, the server's peak RSS is read (/proc VmHWM), the server is stopped and its SQLite
database is opened: every pick a client was told it had (the last successful click's gallery captions) must be a
row in `picks` for that client's candidate, with the rating sent; "lost picks" counts those that are not (must be 0),
"phantom picks" those in the database that the client was told were unpicked. p50/p99 are nearest-rank.
The clients run in this process, so on a small machine they share the CPU with the server.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from gradio_client import Client, handle_file

REPO = Path(__file__).resolve().parents[1]
PHOTOS = sorted((REPO / "examples" / "photos").glob("*.jpg"))
SEED0 = 1000  # client i generates with seed SEED0 + i: the seed column tells the clients' candidates apart
WARMUP_SEED = SEED0 - 1
CALL_TIMEOUT_S = 300


@dataclass
class ClientResult:
    """What one simulated browser tab did and was told."""

    seed: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"generate": [], "pick": []})
    errors: dict[str, list[str]] = field(default_factory=lambda: {"generate": [], "pick": []})
    picked: dict[int, int] = field(default_factory=dict)  # position -> rating, as the last successful click showed


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, data_dir: Path, log_path: Path) -> subprocess.Popen:
    """app.py on 127.0.0.1:port with a fresh data folder; returns once it answers HTTP."""
    env = dict(os.environ, STYLEGAN_APP_DATA=str(data_dir), GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1")
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", NO_PROXY="127.0.0.1,localhost")
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process in stop_server)
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the app exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    sys.exit(f"the app did not answer within 180 s:\n{log_path.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the app the way Ctrl-C does and wait for it."""
    proc.send_signal(2)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log.close()  # type: ignore[attr-defined]


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident set of a process: VmHWM from /proc, else (no /proc) psutil's current RSS."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        return int(match.group(1)) / 1024 if match else None
    try:
        import psutil
    except ImportError:
        return None
    return psutil.Process(pid).memory_info().rss / 2**20


class Tab:
    """One browser tab: a gradio_client Client (its own session hash) plus the browser's gallery-click request."""

    def __init__(self, url: str) -> None:
        self.client = Client(url, verbose=False, download_files=False)
        self.http = httpx.Client(base_url=url.rstrip("/") + "/gradio_api", timeout=CALL_TIMEOUT_S)
        select = next(d for d in self.client.config["dependencies"] if d.get("api_name") == "on_select")
        self.select_fn, self.gallery_id = select["id"], select["targets"][0][0]
        self.gallery: list[dict] = []

    def generate(self, photo: Path, preset: str, n: int, size: int, seed: int) -> list[dict]:
        """Click Generate; returns the gallery items (image file data and caption)."""
        gallery, _status = self.client.predict(handle_file(str(photo)), preset, None, n, size, 1.0, False, seed, api_name="/on_generate")
        self.gallery = gallery
        return gallery

    def click(self, index: int, rating: int) -> list[dict]:
        """Click gallery item index (with the rating slider at rating); returns the new gallery."""
        event_data = {"index": index, "value": self.gallery[index], "selected": True}
        body = {"data": [None, rating], "fn_index": self.select_fn, "trigger_id": self.gallery_id}
        body |= {"session_hash": self.client.session_hash, "event_data": event_data}
        response = self.http.post("/queue/join", json=body)
        response.raise_for_status()
        event_id = response.json()["event_id"]
        with self.http.stream("GET", "/queue/data", params={"session_hash": self.client.session_hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") == event_id and message["msg"] == "process_completed":
                    if not message["success"]:
                        raise RuntimeError(str(message["output"].get("error")))
                    self.gallery = message["output"]["data"][0]
                    return self.gallery
                if message["msg"] == "unexpected_error":
                    raise RuntimeError(message.get("message"))
        raise RuntimeError("the event stream ended without a result")

    def close(self) -> None:
        self.http.close()
        self.client.close()


def picked_positions(gallery: list[dict]) -> set[int]:
    """Candidate positions (caption "#k", 1-based) the gallery shows as picked."""
    return {int(re.match(r"#(\d+)", g["caption"]).group(1)) - 1 for g in gallery if "picked" in (g["caption"] or "")}


def run_client(tab: Tab, i: int, args, start: threading.Barrier, result: ClientResult) -> None:
    """Generate, then --picks clicks on seeded random items; records latencies, errors and the picks it was told of."""
    rng = random.Random(i)
    start.wait()
    t0 = time.perf_counter()
    try:
        tab.generate(PHOTOS[i % len(PHOTOS)], args.preset, args.n, args.size, result.seed)
    except Exception as exc:  # a refused or failed call is a figure of the benchmark, not a crash
        result.errors["generate"].append(repr(exc))
        return
    result.latencies["generate"].append(time.perf_counter() - t0)
    for _ in range(args.picks):
        index, rating = rng.randrange(len(tab.gallery)), rng.randint(1, 5)
        before = picked_positions(tab.gallery)
        position = int(tab.gallery[index]["caption"].split()[0][1:]) - 1
        t0 = time.perf_counter()
        try:
            after = picked_positions(tab.click(index, rating))
        except Exception as exc:
            result.errors["pick"].append(repr(exc))
            continue
        result.latencies["pick"].append(time.perf_counter() - t0)
        if after != before ^ {position}:
            result.errors["pick"].append(f"click on #{position + 1} showed {sorted(after)} after {sorted(before)}")
        result.picked = {p: (rating if p == position else result.picked.get(p, rating)) for p in after}


def check_database(db_path: Path, results: list[ClientResult], n: int) -> dict[str, int]:
    """Compare what the clients were told with the rows: lost, phantom and wrong-rating picks, sessions found."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT c.seed, c.position, p.rating FROM picks p JOIN candidates c ON c.id = p.candidate_id").fetchall()
        counts = dict(db.execute("SELECT seed, COUNT(*) FROM candidates GROUP BY seed").fetchall())
        sessions = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    stored = {(seed, pos): rating for seed, pos, rating in rows}
    told = {(r.seed, pos): rating for r in results for pos, rating in r.picked.items()}
    return {
        "told": len(told),
        "lost": sum(key not in stored for key in told),
        "phantom": sum(key not in told for key in stored if key[0] != WARMUP_SEED),
        "wrong_rating": sum(stored[key] != rating for key, rating in told.items() if key in stored),
        "sessions": sessions,
        "short_batches": sum(counts.get(r.seed, 0) != n for r in results if r.latencies["generate"]),
    }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def main() -> None:
    """Start the app, run the clients at once, check the database, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=4, help="concurrent clients (browser tabs)")
    parser.add_argument("--picks", type=int, default=6, help="gallery clicks per client after its Generate")
    parser.add_argument("--n", type=int, default=8, help="candidates per Generate")
    parser.add_argument("--size", type=int, default=256, help="output long side, px")
    parser.add_argument("--preset", default="great_wave")
    parser.add_argument("--port", type=int, default=None, help="port for the app (default: a free one)")
    args = parser.parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="stylegan_app_load_") as tmp:
        data_dir, log_path = Path(tmp) / "data", Path(tmp) / "server.log"
        started = time.perf_counter()
        server = start_server(port, data_dir, log_path)
        try:
            boot = time.perf_counter() - started
            warm = Tab(url)
            t0 = time.perf_counter()
            warm.generate(PHOTOS[0], args.preset, 1, args.size, WARMUP_SEED)
            warmup = time.perf_counter() - t0
            warm.close()

            tabs = [Tab(url) for _ in range(args.sessions)]
            results = [ClientResult(seed=SEED0 + i) for i in range(args.sessions)]
            barrier = threading.Barrier(args.sessions + 1)
            threads = [
                threading.Thread(target=run_client, args=(tab, i, args, barrier, res))
                for i, (tab, res) in enumerate(zip(tabs, results, strict=True))
            ]
            for t in threads:
                t.start()
            barrier.wait()
            t0 = time.perf_counter()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - t0
            for tab in tabs:
                tab.close()
            peak_mb = peak_rss_mb(server.pid)
        finally:
            stop_server(server)
        check = check_database(data_dir / "app.db", results, args.n)

    print(f"app.py on {url} (server up in {boot:.1f} s; warm-up Generate of 1 candidate, loading the model: {warmup:.2f} s)")
    each = f"Generate {args.n} x {args.size} px ({args.preset}), then {args.picks} gallery clicks"
    print(f"{args.sessions} concurrent sessions, each: {each}")
    print(f"photos: {', '.join(p.name for p in PHOTOS[: args.sessions])} (client i: photo i mod {len(PHOTOS)})")
    print()
    print("| N | call | calls | errors | seconds | calls/s | p50 s | p99 s |")
    print("|---|---|---|---|---|---|---|---|")
    kinds = {"generate": ["generate"], "pick": ["pick"], "all": ["generate", "pick"]}
    for label, names in kinds.items():
        lat = [x for r in results for k in names for x in r.latencies[k]]
        errs = sum(len(r.errors[k]) for r in results for k in names)
        p50, p99 = (f"{percentile(lat, 50):.3f}", f"{percentile(lat, 99):.3f}") if lat else ("-", "-")
        print(f"| {args.sessions} | {label} | {len(lat)} | {errs} | {seconds:.1f} | {len(lat) / seconds:.2f} | {p50} | {p99} |")
    peak = f"{peak_mb:.0f} MB" if peak_mb is not None else "unknown (no /proc, no psutil)"
    print(f"\npicks the clients were told they hold: {check['told']}; in the database: lost **{check['lost']}**, "
          f"phantom {check['phantom']}, wrong rating {check['wrong_rating']}")  # fmt: skip
    print(f"sessions in the database: {check['sessions']} (expected {args.sessions + 1} with the warm-up); "
          f"batches not of {args.n} candidates: {check['short_batches']}")  # fmt: skip
    print(f"peak RSS of the server process: {peak}")
    for r in results:
        for kind, errs in r.errors.items():
            for e in errs[:3]:
                print(f"error (client seed {r.seed}, {kind}): {e}", file=sys.stderr)
    if check["lost"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
