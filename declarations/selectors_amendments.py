"""Reads for a declaration's change and withdrawal: its messages grouped by version, each with its appType."""

import re
from dataclasses import dataclass, field

from declarations.models import Declaration, RenderedMessage

_APP_TYPE = re.compile(rb"<(?:\w+:)?appType>([123])</(?:\w+:)?appType>")


@dataclass
class MessageVersion:
    number: int
    app_type: str = ""
    messages: list = field(default_factory=list)


def declaration_message_versions(*, declaration: Declaration) -> list[MessageVersion]:
    """Every stored version's messages (newest first) and the appType they carry (1 new, 2 change, 3 delete).

    ``declaration`` comes from a tenant-scoped selector (``declaration_for_user``); its messages are its own.
    """
    versions: dict[int, MessageVersion] = {}
    rows = RenderedMessage.objects.filter(declaration_id=declaration.pk).order_by("-version", "message_type")
    for message in rows.only("id", "message_type", "version", "guid", "content", "created_at"):
        version = versions.setdefault(message.version, MessageVersion(message.version))
        found = _APP_TYPE.search(bytes(message.content[:4096]))
        if found and not version.app_type:
            version.app_type = found.group(1).decode()
        message.content = b""  # not needed past here
        version.messages.append(message)
    return list(versions.values())
