"""N concurrent browser sessions against the running app on loopback: throughput, latency, queue waits and lost picks.

    python bench/load.py [--sessions 4] [--picks 6] [--n 8] [--size 256] [--preset great_wave] [--port PORT]
                         [--rounds 1] [--minutes M] [--sample-every 30]

Starts `python app.py` as a subprocess (the real Gradio server, queue and middleware) on 127.0.0.1 with a temporary
STYLEGAN_APP_DATA, makes one warm-up call (the first generate loads the model), then runs --sessions clients at
once, each its own Gradio session (its own session hash, so its own gr.State on the server), each doing:
Generate (--n candidates at --size px, seed 1000 + client, through gradio_client's /on_generate) and then --picks
clicks on gallery items (toggles: a second click on the same item unpicks it), then, where something is picked and
--rounds is 1, Learn my taste (a round and the next batch, /on_learn). With --minutes, each client repeats this until
the time is up (a soak) while the server's RSS, open file descriptors and the files under its Gradio temp folder are
sampled every --sample-every seconds. Queue waits: submit to the call's start (its status, polled every 20 ms).
A gallery click carries SelectData, which gradio_client cannot send, so the clicks go over HTTP exactly as the browser sends them: POST
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
from gradio_client.utils import Status

REPO = Path(__file__).resolve().parents[1]
PHOTOS = sorted((REPO / "examples" / "photos").glob("*.jpg"))
SEED0 = 1000  # client i generates with seed SEED0 + i: the seed column tells the clients' candidates apart
WARMUP_SEED = SEED0 - 1
CALL_TIMEOUT_S = 900  # a round at the back of a queue of 32
CALLS = ("generate", "pick", "learn")
RUNNING = {Status.PROCESSING, Status.ITERATING, Status.PROGRESS, Status.FINISHED, Status.LOG}


@dataclass
class ClientResult:
    """What one simulated browser tab did and was told."""

    seed: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: {call: [] for call in CALLS})
    waits: dict[str, list[float]] = field(default_factory=lambda: {call: [] for call in CALLS})  # in the queue, before it ran
    errors: dict[str, list[str]] = field(default_factory=lambda: {call: [] for call in CALLS})
    picked: dict[tuple[int, int], int] = field(default_factory=dict)  # (batch seed, position) -> rating, as the clicks showed


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, data_dir: Path, log_path: Path) -> subprocess.Popen:
    """app.py on 127.0.0.1:port with a fresh data folder; returns once it answers HTTP."""
    env = dict(os.environ, STYLEGAN_APP_DATA=str(data_dir), GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1")
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", NO_PROXY="127.0.0.1,localhost")
    env.update(GRADIO_TEMP_DIR=str(data_dir.parent / "gradio"))  # the soak counts the files left there
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
        config = self.client.config
        self.gallery_id = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "candidates")
        select = next(d for d in config["dependencies"] if [self.gallery_id, "select"] in [list(t) for t in d["targets"]])
        self.select_fn = select["id"]  # the Paint tab's gallery click (the other tabs' galleries have their own)
        learn_id = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "personalize-btn")
        self.learn_fn = next(d["id"] for d in config["dependencies"] if [learn_id, "click"] in [list(t) for t in d["targets"]])
        self.gallery: list[dict] = []

    def generate(self, photo: Path, preset: str, n: int, size: int, seed: int) -> tuple[list[dict], float]:
        """Click Generate; returns the gallery items (image file data and caption) and the seconds it waited in the queue."""
        job = self.client.submit(handle_file(str(photo)), preset, None, n, size, 1.0, False, seed, api_name="/on_generate")
        (gallery, _status), wait = finished(job)
        self.gallery = gallery
        return gallery, wait

    def learn(self) -> float:
        """Click Learn my taste (a round, then the next batch); returns the seconds it waited in the queue."""
        outputs, wait = finished(self.client.submit(fn_index=self.learn_fn))
        if "Round 1 " in str(outputs[1]):  # a refusal leaves the status as it was (and shows a warning)
            raise RuntimeError(f"the round was refused: {outputs[1]}")
        self.gallery = outputs[0]
        return wait

    def click(self, index: int, rating: int) -> tuple[list[dict], float]:
        """Click gallery item index (with the rating slider at rating); returns the new gallery and the queue wait."""
        event_data = {"index": index, "value": self.gallery[index], "selected": True}
        body = {"data": [None, rating], "fn_index": self.select_fn, "trigger_id": self.gallery_id}
        body |= {"session_hash": self.client.session_hash, "event_data": event_data}
        response = self.http.post("/queue/join", json=body)
        response.raise_for_status()
        event_id, joined, wait = response.json()["event_id"], time.perf_counter(), 0.0
        with self.http.stream("GET", "/queue/data", params={"session_hash": self.client.session_hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") == event_id and message["msg"] == "process_starts":
                    wait = time.perf_counter() - joined
                if message.get("event_id") == event_id and message["msg"] == "process_completed":
                    if not message["success"]:
                        raise RuntimeError(str(message["output"].get("error")))
                    self.gallery = message["output"]["data"][0]
                    return self.gallery, wait
                if message["msg"] == "unexpected_error":
                    raise RuntimeError(message.get("message"))
        raise RuntimeError("the event stream ended without a result")

    def close(self) -> None:
        self.http.close()
        self.client.close()


def finished(job) -> tuple[object, float]:
    """A submitted call's result, and how long it waited in the queue before it started (status polled every 20 ms)."""
    submitted, started = time.perf_counter(), None
    while not job.done():
        if started is None and job.status().code in RUNNING:
            started = time.perf_counter()
        time.sleep(0.02)
    result = job.result(timeout=CALL_TIMEOUT_S)
    return result, (started or time.perf_counter()) - submitted


def picked_positions(gallery: list[dict]) -> set[int]:
    """Candidate positions (caption "#k", 1-based) the gallery shows as picked."""
    return {int(re.match(r"#(\d+)", g["caption"]).group(1)) - 1 for g in gallery if "picked" in (g["caption"] or "")}


def run_client(tab: Tab, i: int, args, start: threading.Barrier, result: ClientResult, until: float) -> None:
    """Generate, --picks clicks on seeded random items and, where something is picked, one round; again until `until`
    (a soak), else once. Records latencies, queue waits, errors and the picks it was told of."""
    rng = random.Random(i)
    start.wait()
    for iteration in range(10**6):
        seed = result.seed + 1000 * iteration
        t0 = time.perf_counter()
        try:
            _, wait = tab.generate(PHOTOS[i % len(PHOTOS)], args.preset, args.n, args.size, seed)
        except Exception as exc:  # a refused or failed call is a figure of the benchmark, not a crash
            result.errors["generate"].append(repr(exc))
            return
        result.latencies["generate"].append(time.perf_counter() - t0)
        result.waits["generate"].append(wait)
        shown = {}  # position -> rating, as the last successful click showed
        for _ in range(args.picks):
            index, rating = rng.randrange(len(tab.gallery)), rng.randint(1, 5)
            before = picked_positions(tab.gallery)
            position = int(tab.gallery[index]["caption"].split()[0][1:]) - 1
            t0 = time.perf_counter()
            try:
                gallery, wait = tab.click(index, rating)
            except Exception as exc:
                result.errors["pick"].append(repr(exc))
                continue
            after = picked_positions(gallery)
            result.latencies["pick"].append(time.perf_counter() - t0)
            result.waits["pick"].append(wait)
            if after != before ^ {position}:
                result.errors["pick"].append(f"click on #{position + 1} showed {sorted(after)} after {sorted(before)}")
            shown = {p: (rating if p == position else shown.get(p, rating)) for p in after}
        result.picked.update({(seed, p): rating for p, rating in shown.items()})
        if shown and args.rounds:
            t0 = time.perf_counter()
            try:
                result.waits["learn"].append(tab.learn())
                result.latencies["learn"].append(time.perf_counter() - t0)
            except Exception as exc:
                result.errors["learn"].append(repr(exc))
        if time.perf_counter() >= until:
            return


def sample_server(pid: int, temp_dir: Path, stop: threading.Event, every_s: float, samples: list[dict]) -> None:
    """Every every_s seconds until stop: the server's RSS (MB), open file descriptors and files under its temp folder."""
    started = time.perf_counter()
    while True:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024
        files = sum(1 for p in temp_dir.rglob("*") if p.is_file()) if temp_dir.exists() else 0
        samples.append({"minute": (time.perf_counter() - started) / 60, "rss": rss, "fds": len(os.listdir(f"/proc/{pid}/fd")),
                        "temp files": files})  # fmt: skip
        if stop.wait(every_s):
            return


def check_database(db_path: Path, results: list[ClientResult], n: int) -> dict[str, int]:
    """Compare what the clients were told with the rows: lost, phantom and wrong-rating picks, sessions found."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT c.seed, c.position, p.rating FROM picks p JOIN candidates c ON c.id = p.candidate_id").fetchall()
        counts = dict(db.execute("SELECT seed, COUNT(*) FROM candidates GROUP BY seed").fetchall())
        sessions = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    stored = {(seed, pos): rating for seed, pos, rating in rows}
    told = {key: rating for r in results for key, rating in r.picked.items()}
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
    parser.add_argument("--rounds", type=int, default=1, choices=(0, 1), help="a round (Learn my taste) after the picks")
    parser.add_argument("--minutes", type=float, default=0, help="a soak: each client repeats its work for this long")
    parser.add_argument("--sample-every", type=float, default=30, help="soak: seconds between samples of the server")
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
            until = time.perf_counter() + 60 * args.minutes
            threads = [
                threading.Thread(target=run_client, args=(tab, i, args, barrier, res, until))
                for i, (tab, res) in enumerate(zip(tabs, results, strict=True))
            ]
            samples: list[dict] = []
            stop_sampling = threading.Event()
            sampling = (server.pid, Path(tmp) / "gradio", stop_sampling, args.sample_every, samples)
            sampler = threading.Thread(target=sample_server, args=sampling)
            for t in threads:
                t.start()
            barrier.wait()
            sampler.start()
            t0 = time.perf_counter()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - t0
            stop_sampling.set()
            sampler.join()
            for tab in tabs:
                tab.close()
            peak_mb = peak_rss_mb(server.pid)
        finally:
            stop_server(server)
        check = check_database(data_dir / "app.db", results, args.n)

    print(f"app.py on {url} (server up in {boot:.1f} s; warm-up Generate of 1 candidate, loading the model: {warmup:.2f} s)")
    each = f"Generate {args.n} x {args.size} px ({args.preset}), then {args.picks} gallery clicks"
    each += ", then a round" if args.rounds else ""
    if args.minutes:
        each += f", again and again for {args.minutes:g} minutes"
    print(f"{args.sessions} concurrent sessions, each: {each}")
    print(f"photos: {', '.join(p.name for p in PHOTOS[: args.sessions])} (client i: photo i mod {len(PHOTOS)})")
    print()
    print("| N | call | calls | errors | seconds | calls/s | p50 s | p99 s | queue wait p50 s | queue wait p99 s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    kinds = {**{call: [call] for call in CALLS}, "all": list(CALLS)}
    for label, names in kinds.items():
        lat = [x for r in results for k in names for x in r.latencies[k]]
        waits = [x for r in results for k in names for x in r.waits[k]]
        errs = sum(len(r.errors[k]) for r in results for k in names)
        p50, p99 = (f"{percentile(lat, 50):.3f}", f"{percentile(lat, 99):.3f}") if lat else ("-", "-")
        w50, w99 = (f"{percentile(waits, 50):.3f}", f"{percentile(waits, 99):.3f}") if waits else ("-", "-")
        rate = len(lat) / seconds
        print(f"| {args.sessions} | {label} | {len(lat)} | {errs} | {seconds:.1f} | {rate:.2f} | {p50} | {p99} | {w50} | {w99} |")
    if args.minutes and samples:
        print("\n| minute | server RSS MB | open fds | temp files |\n|---|---|---|---|")
        for sample in samples:
            print(f"| {sample['minute']:.1f} | {sample['rss']:.0f} | {sample['fds']} | {sample['temp files']} |")
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
