"""Point the unmodified gspread client at the Sheets stand-in (tests, demos, benchmarks).

gspread has no base-URL option and its URL constants are copied at import time, so the
redirect happens in the transport: a mounted ``requests`` adapter rewrites Google's hosts to the
sandbox, leaving gspread, google-auth, headers, parameters and bodies untouched
(``clients-on-loopback.md`` §3).

    client = gspread_client(sandbox.url)
    sheet = client.open_by_key(spreadsheet_id).sheet1
"""

from __future__ import annotations

from typing import Any

import google.oauth2.credentials
import gspread
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


class LoopbackAdapter(HTTPAdapter):
    """Sends requests for Google's API hosts to ``base_url`` instead."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        url = request.url or ""
        for host in GOOGLE_HOSTS:
            if url.startswith(host):
                request.url = self.base_url + url[len(host) :]
                break
        return super().send(request, *args, **kwargs)


def gspread_client(
    base_url: str,
    token: str = "sandbox-token",
    http_client: type[gspread.HTTPClient] = gspread.HTTPClient,
) -> gspread.Client:
    """A gspread client with a static bearer token whose traffic goes to the sandbox."""
    credentials = google.oauth2.credentials.Credentials(token=token)  # valid, never refreshed
    client = gspread.authorize(credentials, http_client=http_client)
    client.http_client.session.mount("https://", LoopbackAdapter(base_url))
    return client
