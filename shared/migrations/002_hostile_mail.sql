-- replyflow schema, version 2: what hostile mail needs recorded.

ALTER TABLE emails
    -- Why the ingestor could not read the message (it cannot be parsed, or its fields cannot be stored); such
    -- an email is stored anyway, so the cursor moves past it, and the classifier dead-letters it as
    -- `unparseable` with this text as the detail.
    ADD COLUMN unreadable     text,
    -- Why From gives no single address to answer (`no_sender`, `several_senders`); from_address is then NULL.
    -- from_address itself is the exact addr-spec parsed once by the ingestor: every rule and the sender use it.
    ADD COLUMN sender_problem text,
    -- When the IMAP server received the message (INTERNALDATE): mail older than MAX_EMAIL_AGE_DAYS is ignored.
    ADD COLUMN received_at    timestamptz;

ALTER TABLE classifications
    -- The DMARC result in a trusted Authentication-Results header (`pass`, `fail`, ...), NULL when none was
    -- trusted. A reply to a `fail` sender is never kept as conversation history.
    ADD COLUMN dmarc text;
