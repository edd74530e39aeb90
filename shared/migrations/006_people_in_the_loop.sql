-- replyflow schema, version 6: people in the loop. A reply may be filed as a draft for a person to send, and a
-- reply that promises a person is recorded as such, so its original stays in sight.

ALTER TABLE emails DROP CONSTRAINT emails_state_check;
ALTER TABLE emails ADD CONSTRAINT emails_state_check CHECK (state IN (
    'received', 'reply_requested', 'reply_ready', 'sending',
    'replied', 'ignored', 'dead_lettered', 'drafted'));

ALTER TABLE classifications
    -- What the shop's reply mode for this decision said when the classifier decided: `send` the reply, file it
    -- as a `draft` for a person, or `none` (no reply: the email is ignored and left for a person). Recorded with
    -- the decision, so a redelivery after the shop changed its mind does what was decided.
    ADD COLUMN reply_mode text NOT NULL DEFAULT 'send' CHECK (reply_mode IN ('send', 'draft', 'none'));

ALTER TABLE replies
    -- The reply says a person from the team will follow up (a handoff, the fallback, or the LLM's own flag).
    ADD COLUMN needs_person boolean NOT NULL DEFAULT false;

