"""StyleService: the single facade the UI and CLI call. No gradio import.

Its methods live with their concept, one file each, and all share ServiceState (service_state.py):
sessions.py (presets, start_session, start_session_from_hub, session_round), candidates.py (generate,
batch, toggle_pick, pick, unpick, picks, render), gan_sessions.py (gan_models, start_gan_session: the same
candidates, picks and rounds on the other GANs' models), rounds.py (personalize, stop, undo, undo_to),
history.py (history, explain) and sharing.py (export, push, shared_models). Every state change is one
database transaction, taken after the files it refers to are on disk, so a crash leaves either the old
state or the new one, never half of each. The queries are in store.py; what it returns is in views.py.
"""

from __future__ import annotations

from .history import HistoryMethods
from .rounds import RoundMethods
from .sessions import SessionMethods
from .sharing import SharingMethods


class StyleService(SessionMethods, HistoryMethods, RoundMethods, SharingMethods):
    """Sessions, candidates, picks, personalisation rounds, undo, history and sharing, on a database and a data folder;
    and sessions on the other GANs' models."""
