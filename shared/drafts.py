"""The Drafts folder: where a reply of the reply mode `draft` waits for a person to edit and send it.

IMAP only, like `shared.mailbox`: finding the folder (IMAP_DRAFTS_MAILBOX, else the one the server marks `\\Drafts`,
RFC 6154) and filing a message there with the `\\Draft` flag. Looking a draft up by its Message-ID before filing it
is `shared.mailbox.folder_holds`, as for the Sent folder.
"""

from __future__ import annotations

import asyncio

from imap_tools import MailMessageFlags

from shared.mailbox import open_mailbox
from shared.settings import ImapSettings

DRAFTS_ATTRIBUTE = "\\Drafts"


class NoDraftsFolder(LookupError):
    """IMAP_DRAFTS_MAILBOX is unset and no folder has the \\Drafts special-use attribute."""


def _drafts_folder(settings: ImapSettings) -> str:
    if settings.imap_drafts_mailbox:
        return settings.imap_drafts_mailbox
    with open_mailbox(settings) as mailbox:
        for folder in mailbox.folder.list():
            if any(flag.lower() == DRAFTS_ATTRIBUTE.lower() for flag in folder.flags):
                return str(folder.name)
    raise NoDraftsFolder(
        "no folder has the \\Drafts special-use attribute: set IMAP_DRAFTS_MAILBOX to the Drafts folder's name"
    )


async def drafts_folder(settings: ImapSettings) -> str:
    """The name of the Drafts folder; NoDraftsFolder when there is none."""
    return await asyncio.to_thread(_drafts_folder, settings)


def _file(settings: ImapSettings, folder: str, raw: bytes) -> None:
    with open_mailbox(settings, folder) as mailbox:
        # \Seen as well, as mail clients file their own drafts: a draft is not new mail.
        mailbox.append(raw, folder, flag_set=[MailMessageFlags.DRAFT, MailMessageFlags.SEEN])


async def file_draft(settings: ImapSettings, folder: str, raw: bytes) -> None:
    """Append the message to the Drafts folder as a draft."""
    await asyncio.to_thread(_file, settings, folder, raw)
