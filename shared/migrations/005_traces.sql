-- replyflow schema, version 5: each email's OpenTelemetry trace, so `replyflow status` and `replyflow dlq list` name
-- it, and every later publish of the email (the outbox, a stalled email sent round again) goes on in it.

ALTER TABLE emails
    -- The W3C trace id (32 hex digits) of the trace the ingestor began when it stored the email.
    ADD COLUMN trace_id text,
    -- The W3C traceparent of the ingestor's span for the email: the parent of every publish of it by the ingestor.
    ADD COLUMN traceparent text;
-- `replyflow status <trace id>`: from a trace seen in a tracing UI to the email's history.
CREATE INDEX emails_trace_id ON emails (trace_id) WHERE trace_id IS NOT NULL;

ALTER TABLE dead_letters
    -- The trace the letter belongs to (its email's), read from the traceparent header the message carried.
    ADD COLUMN trace_id text GENERATED ALWAYS AS (
        substring(headers ->> 'traceparent' FROM '^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$')) STORED;
