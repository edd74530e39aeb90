-- replyflow schema, version 7: what an operator does with a dead letter in the console, recorded with who and when.

ALTER TABLE dead_letters
    -- Who replayed the letter (a name typed in the console, "console", or "cli"); replayed_at says when.
    ADD COLUMN replayed_by   text,
    -- An operator ended the letter without replaying it: its email's reason becomes `discarded`.
    ADD COLUMN discarded_at  timestamptz,
    ADD COLUMN discarded_by  text,
    ADD COLUMN discard_note  text;
