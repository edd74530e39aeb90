-- replyflow schema, version 1.

-- Where the ingestor stopped reading, per mailbox and UIDVALIDITY (a new UIDVALIDITY starts over).
CREATE TABLE mailbox_cursors (
    account      text        NOT NULL,
    mailbox      text        NOT NULL,
    uidvalidity  bigint      NOT NULL,
    last_uid     bigint      NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, mailbox, uidvalidity)
);

CREATE TABLE emails (
    id            bigserial   PRIMARY KEY,
    account       text        NOT NULL,
    mailbox       text        NOT NULL,
    uidvalidity   bigint      NOT NULL,
    uid           bigint      NOT NULL,
    -- The Message-ID header, or a hash of the headers when it is missing.
    message_id    text        NOT NULL,
    from_address  text,
    subject       text,
    size_bytes    bigint      NOT NULL,
    raw           bytea,      -- NULL when the message was too large to read
    state         text        NOT NULL DEFAULT 'received' CHECK (state IN (
                      'received', 'reply_requested', 'reply_ready', 'sending',
                      'replied', 'ignored', 'dead_lettered')),
    -- The robot rule for `ignored`, the dead-letter reason for `dead_lettered`.
    reason        text,
    -- Outbox: NULL until the broker confirmed email.received.
    published_at  timestamptz,
    -- When the original was marked \Seen on the IMAP server.
    seen_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account, mailbox, uidvalidity, uid),
    UNIQUE (account, message_id)
);
CREATE INDEX emails_unpublished ON emails (id) WHERE published_at IS NULL;
CREATE INDEX emails_state ON emails (state);

-- Every state an email went through, for `replyflow status`.
CREATE TABLE email_events (
    id        bigserial   PRIMARY KEY,
    email_id  bigint      NOT NULL REFERENCES emails(id),
    state     text        NOT NULL,
    detail    text,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_events_email ON email_events (email_id, id);

CREATE TABLE classifications (
    email_id     bigint      PRIMARY KEY REFERENCES emails(id),
    decision     text        NOT NULL,
    reason       text        NOT NULL,
    intent       text        NOT NULL,
    faq_topic    text,
    confidence   real        NOT NULL,
    language     text        NOT NULL,
    -- The customer's text without quoted history and signature, capped.
    body_text    text        NOT NULL,
    product_ids  bigint[]    NOT NULL DEFAULT '{}',
    history_ids  bigint[]    NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The reply for an email, stored before reply.ready is published, so a redelivery never pays twice.
CREATE TABLE replies (
    email_id           bigint      PRIMARY KEY REFERENCES emails(id),
    source             text        NOT NULL CHECK (source IN ('faq', 'llm', 'fallback')),
    body               text        NOT NULL,
    model              text,
    prompt_tokens      integer,
    completion_tokens  integer,
    created_at         timestamptz NOT NULL DEFAULT now(),
    message_id         text,       -- the reply's own Message-ID, once sent
    sent_at            timestamptz
);

CREATE TABLE products (
    id           bigserial   PRIMARY KEY,
    sku          text        NOT NULL UNIQUE,
    name         text        NOT NULL,
    description  text        NOT NULL DEFAULT '',
    price        numeric(12, 2),
    currency     text        NOT NULL DEFAULT 'ARS',
    stock        integer,
    url          text,
    search       tsvector    GENERATED ALWAYS AS (
                     to_tsvector('simple', lower(name || ' ' || description))) STORED
);
CREATE INDEX products_search ON products USING gin (search);

-- What we answered, per customer: the next prompt's history.
CREATE TABLE conversations (
    id          bigserial   PRIMARY KEY,
    email_id    bigint      NOT NULL UNIQUE REFERENCES emails(id),
    customer    text        NOT NULL,
    subject     text,
    inbound     text        NOT NULL,
    reply       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_customer ON conversations (customer, created_at DESC);

CREATE TABLE dead_letters (
    id           bigserial   PRIMARY KEY,
    email_id     bigint      REFERENCES emails(id),
    stage        text        NOT NULL,
    reason       text        NOT NULL,
    error        text,
    attempts     integer     NOT NULL DEFAULT 0,
    routing_key  text        NOT NULL,
    body         bytea       NOT NULL,
    headers      jsonb       NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    replayed_at  timestamptz
);
-- A message dead-lettered twice (a crash between our publish and our ack) is recorded once.
CREATE UNIQUE INDEX dead_letters_open ON dead_letters (stage, email_id)
    WHERE replayed_at IS NULL AND email_id IS NOT NULL;
