"""Local stand-ins for Google Sheets, Airtable and Feishu Bitable on their real wire protocols.

The sandbox imports nothing of tablesync's other packages: it is a model of the clouds, not of us.
"""

from sandbox.server import Sandbox, SandboxServer

__all__ = ["Sandbox", "SandboxServer"]
