"""Crash safety: a process killed with SIGKILL in the middle of a round loses no committed pick and no model version."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
from sqlalchemy import create_engine, select
from test_service import make_service

from stylegan_app.app import store

CHILD = textwrap.dedent(
    """
    import sys
    from dataclasses import replace
    sys.path[:0] = ["tests", "tests/app"]
    from conftest import smooth_image
    from test_service import make_service
    svc = make_service(sys.argv[1], sys.argv[2])
    svc.personalize_cfg = replace(svc.personalize_cfg, steps=100_000)
    sid = svc.start_session(smooth_image(64, 48, seed=0), "alpha")
    picked = svc.generate(sid, n=3, seed=0, size=64)[1]
    svc.pick(sid, [picked.id], {picked.id: 4})
    print("picked", sid, picked.id, flush=True)
    svc.personalize(sid, progress=lambda fraction, message: print("progress", message, flush=True))
    """
)


def test_sigkill_during_a_round_loses_nothing_committed(data_dir, tiny_styles_dir):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), str(tiny_styles_dir)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        sid = cid = None
        steps_seen = 0
        for line in child.stdout:
            if line.startswith("picked"):
                _, sid, cid = line.split()
            elif line.startswith("progress learning"):
                steps_seen += 1
                if steps_seen == 3:
                    child.send_signal(signal.SIGKILL)
                    break
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL and steps_seen == 3

    engine = create_engine(f"sqlite:///{data_dir / 'app.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()
    restarted = make_service(data_dir, tiny_styles_dir)
    assert restarted.session_round(sid) == 0
    with restarted.db() as db:
        assert db.scalar(select(store.Pick.rating).where(store.Pick.candidate_id == cid)) == 4
    images = restarted.generate(sid, n=2, seed=0, size=64)
    assert len(images) == 2 and np.asarray(images[0].image).std() > 0
