"""Placeholder: replaced by the real stand-in."""

from __future__ import annotations

from typing import Any

from sandbox.http import CloudApp, SandboxResponse


class FeishuApp(CloudApp):
    api = "feishu"

    def error_response(self, status: int, message: str) -> SandboxResponse:
        return SandboxResponse.json(status, {"error": message})

    def reset(self) -> None:
        pass

    def seed(self, body: Any) -> Any:
        raise NotImplementedError
