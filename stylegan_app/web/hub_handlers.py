"""Sharing on the Hugging Face Hub: share my model (Paint tab), browse and choose a shared one (Shared models tab)."""

from __future__ import annotations

import os
from dataclasses import replace

import gradio as gr

from .service_handle import ServiceHandle


class HubHandlers:
    """Share, browse, pick a shared model to paint with."""

    def __init__(self, service: ServiceHandle) -> None:
        self.service = service

    def on_share(self, st, name, profile: gr.OAuthProfile | None, oauth_token: gr.OAuthToken | None):
        if st.session is None:
            raise ValueError("Generate (and learn a round or two) before sharing your model.")
        # On a Space the signed-in user's OAuth token; locally a token from the environment. Never stored or logged.
        token = oauth_token.token if oauth_token is not None else os.environ.get("HF_TOKEN")
        repo_id, commit = self.service.get().push(st.session, name, token, user=profile.username if profile is not None else None)
        return f"Shared as [{repo_id}](https://huggingface.co/{repo_id}) (commit `{commit[:10]}`). Anyone can load it by that id."

    def on_browse(self):
        try:
            models = self.service.get().shared_models()
        except ValueError as exc:
            return [], str(exc)
        if not models:
            return [], "No shared models of this app on the Hub yet."
        items = [(m.samples_url, f"{m.repo_id} · {m.likes} likes") for m in models]
        return items, f"{len(models)} shared models; click one, or type an id below."

    def on_browse_select(self, evt: gr.SelectData):
        return str(evt.value["caption"]).split(" · ")[0] if isinstance(evt.value, dict) and evt.value.get("caption") else gr.skip()

    def on_use_shared(self, st, repo_id, revision):
        repo_id, revision = (repo_id or "").strip(), (revision or "").strip() or None
        if repo_id.count("/") != 1:
            raise ValueError("Type a model id like user/model-name.")
        st = replace(st, shared=(repo_id, revision))
        return st, f"Next *Generate* on the Paint tab paints with **{repo_id}** ({revision or 'main'}), fetched and checked first."
