"""A stand-in for the Hugging Face Hub's HTTP API on 127.0.0.1, for contract tests and browser tests (no network).

It answers the calls huggingface_hub makes to push a folder (whoami, create-repo, validate-yaml, preupload, commit),
to download one (revision info, resolve) and to list models, the way the library expects them answered, keeps the
committed files in memory and records every request. It checks our requests against the Hub API as huggingface_hub
speaks it, not the Hub itself.

    python tests/fake_hub.py PORT     # serve until killed (the browser tests start it this way)
"""

import base64
import hashlib
import json
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

USER = "alice"


def committed_files(body: bytes) -> dict[str, bytes]:
    """path -> bytes of the files in a commit request's NDJSON (files sent inline, base64)."""
    lines = [json.loads(line) for line in body.splitlines() if line.strip()]
    return {line["value"]["path"]: base64.b64decode(line["value"]["content"]) for line in lines if line["key"] == "file"}


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    path: str  # with the query string, if any
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def call(self) -> str:
        """The method and path, e.g. POST /api/repos/create (no query string)."""
        return f"{self.method} {urlsplit(self.path).path}"


class HubApiStub(ThreadingHTTPServer):
    """A contract stand-in for the Hub API on 127.0.0.1: answers the calls huggingface_hub makes to push a folder.

    It checks our requests against the API as huggingface_hub speaks it, not the Hub itself. Every file is declared
    "regular" at preupload, so the library sends it inline (base64 in the commit's NDJSON) and never tries LFS or Xet.
    refuse: the calls ("create", "commit") answered 403, as the Hub does for a token that may not write.
    """

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), StubHandler)
        self.requests: list[Recorded] = []
        self.refuse: set[str] = set()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.repos: dict[str, dict[str, dict[str, bytes]]] = {}  # repo id -> commit -> path -> bytes
        self.refs: dict[str, dict[str, str]] = {}  # repo id -> branch -> commit
        self.lock = threading.Lock()

    def commit(self, repo_id: str, files: dict[str, bytes]) -> str:
        """Store a commit on main (files on top of main's); returns its 40-hex id."""
        with self.lock:
            parent = self.refs.get(repo_id, {}).get("main")
            tree = {**(self.repos.get(repo_id, {}).get(parent) or {}), **files}
            oid = hashlib.sha1(
                repr((repo_id, parent, sorted((p, hashlib.sha256(b).hexdigest()) for p, b in tree.items()))).encode()
            ).hexdigest()
            self.repos.setdefault(repo_id, {})[oid] = tree
            self.refs.setdefault(repo_id, {})["main"] = oid
            return oid

    def resolve(self, repo_id: str, revision: str) -> str | None:
        """The commit a branch or commit id names in repo_id, or None."""
        with self.lock:
            if revision in self.repos.get(repo_id, {}):
                return revision
            return self.refs.get(repo_id, {}).get(revision)

    def calls(self) -> list[str]:
        return [r.call for r in self.requests]

    def committed_files(self) -> dict[str, bytes]:
        """path -> bytes of every file in the commit requests' NDJSON."""
        return {path: data for r in self.requests if "/commit/" in r.path for path, data in committed_files(r.body).items()}


class StubHandler(BaseHTTPRequestHandler):
    """The routes of HubApiStub; anything else is a 404, as the Hub answers an unknown repo (repo_info after a 403)."""

    server: HubApiStub

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: the test reads self.server.requests instead

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def do_HEAD(self) -> None:
        self.answer()

    def answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if self.command == "POST" else b""
        self.server.requests.append(Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        route = (self.command, urlsplit(self.path).path.split("/"))
        match route:
            case ("GET", ["", "api", "whoami-v2"]):
                self.send_json(200, {"type": "user", "name": USER, "fullname": "Alice", "orgs": []})
            case ("POST", ["", "api", "repos", "create"]):
                request = json.loads(body)
                if "create" in self.server.refuse:
                    return self.send_json(403, {"error": "You don't have the rights to create a model under this namespace"})
                repo_id = f"{request['organization']}/{request['name']}"
                self.send_json(200, {"url": f"{self.server.url}/{repo_id}", "name": repo_id, "id": "0" * 24})
            case ("POST", ["", "api", "validate-yaml"]):
                self.send_json(200, {"errors": [], "warnings": []})
            case ("POST", ["", "api", "models", _, _, "preupload", _]):
                files = json.loads(body)["files"]
                self.send_json(200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]})
            case ("POST", ["", "api", "models", namespace, name, "commit", _]):
                if "commit" in self.server.refuse:
                    return self.send_json(403, {"error": "Forbidden: this token may not write to this repo"})
                oid = self.server.commit(f"{namespace}/{name}", committed_files(body))
                url = f"{self.server.url}/{namespace}/{name}/commit/{oid}"
                self.send_json(200, {"commitUrl": url, "commitOid": oid, "pullRequestUrl": None})
            case ("GET", ["", "api", "models", namespace, name, "revision", revision]):
                repo_id = f"{namespace}/{name}"
                commit = self.server.resolve(repo_id, unquote(revision))
                if commit is None:
                    return self.send_json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
                files = self.server.repos[repo_id][commit]
                self.send_json(200, {"id": repo_id, "sha": commit, "siblings": [{"rfilename": p} for p in sorted(files)]})
            case ("GET", ["", "api", "models", namespace, name, "tree", revision, *_]):
                repo_id = f"{namespace}/{name}"
                commit = self.server.resolve(repo_id, unquote(revision))
                if commit is None:
                    return self.send_json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
                files = self.server.repos[repo_id][commit]
                entries = [{"type": "file", "path": p, "size": len(d), "oid": hashlib.sha1(d).hexdigest()} for p, d in files.items()]
                self.send_json(200, entries)
            case ("GET", ["", "api", "models"]):
                self.send_json(200, [{"id": r, "likes": 0, "downloads": 0, "tags": ["stylegan_app"]} for r in sorted(self.server.repos)])
            case ("GET" | "HEAD", ["", namespace, name, "resolve", revision, *path]):
                repo_id, filename = f"{namespace}/{name}", "/".join(path)
                commit = self.server.resolve(repo_id, unquote(revision))
                data = self.server.repos.get(repo_id, {}).get(commit, {}).get(filename) if commit else None
                if data is None:
                    return self.send_json(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
                self.send_bytes(data, {"X-Repo-Commit": commit, "ETag": f'"{hashlib.sha256(data).hexdigest()}"'})
            case _:
                self.send_json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})

    def send_bytes(self, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(200)
        for key, value in {"Content-Type": "application/octet-stream", "Content-Length": str(len(data)), **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status: int, payload: dict | list, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def serve(port: int) -> None:
    """Serve on 127.0.0.1:port until the process is stopped."""
    server = HubApiStub(port)
    server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
