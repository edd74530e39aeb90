-- replyflow schema, version 4: a different email that reuses a Message-ID is recorded, not silently dropped.

ALTER TABLE emails
    -- A hash of the header block as the server sent it: the same message fetched again (a copy, a re-read after a
    -- UIDVALIDITY change) has the same one; a different email under an already stored Message-ID does not.
    ADD COLUMN header_sha256 text,
    -- The email whose Message-ID this one reuses. It is stored under a Message-ID of its own making and ignored
    -- as `reused_message_id`, unread with `replyflow-needs-person`: no second reply, and a person sees it.
    ADD COLUMN reuses_message_of bigint REFERENCES emails(id);
CREATE INDEX emails_reuses ON emails (reuses_message_of) WHERE reuses_message_of IS NOT NULL;
