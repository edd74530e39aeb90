-- replyflow schema, version 3: a lease on an email held by the worker that is working on it.

ALTER TABLE emails
    -- Until when the worker that claimed the email (the responder, while it asks the LLM) holds it. Renewed
    -- while that worker is alive, so one that dies lets go within a lease; NULL when nobody holds it.
    ADD COLUMN claimed_until timestamptz;
