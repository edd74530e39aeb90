-- replyflow schema, version 8: the named rules that made each classification (intent rules and signals that
-- counted, the robot rule that ignored the email, the learned model's topics with their probability).

ALTER TABLE classifications
    ADD COLUMN rules text[] NOT NULL DEFAULT '{}';
