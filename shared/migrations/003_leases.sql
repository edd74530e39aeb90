-- replyflow schema, version 3: a lease on an email held by the worker that is working on it.

ALTER TABLE emails
    -- Until when the worker that claimed the email (the responder, while it asks the LLM) holds it. Renewed
    -- while that worker is alive, so one that dies lets go within a lease; NULL when nobody holds it.
    ADD COLUMN claimed_until timestamptz,
    -- Who holds it (a token drawn per lease): only the holder renews it, releases it, or marks a send under it.
    ADD COLUMN claimed_by text;

ALTER TABLE replies
    -- Set (and committed) by the sender right before it starts SMTP's DATA: a send interrupted without it sent
    -- nothing and is simply tried again; one interrupted with it may have been delivered (RFC 1047), so the Sent
    -- mailbox is asked first and nothing is resent blindly.
    ADD COLUMN data_sent_at timestamptz;
