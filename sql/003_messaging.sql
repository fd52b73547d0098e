-- 003_messaging: the path of a message (DESIGN.md §1). Inbound rows are keyed by WhatsApp's id so a
-- re-delivery is dropped; a reply is an outbox row (and a history row) before it is a send.

-- The id WhatsApp gave an outbound message when it is not the one the gateway chose (the Cloud API
-- assigns its own wamid); status news arrives under it.
ALTER TABLE messages ADD COLUMN remote_id text;
CREATE INDEX messages_remote_id_idx ON messages (account_id, remote_id) WHERE remote_id IS NOT NULL;

ALTER TABLE outbox
    ADD COLUMN kind text NOT NULL DEFAULT 'text',
    ADD COLUMN remote_id text,
    ADD COLUMN error_code integer,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
-- The dispatcher reads an account's due rows in order; sent and failed rows stay for the record.
CREATE INDEX outbox_due_idx ON outbox (account_id, next_attempt_at, outbox_id) WHERE status = 'pending';
CREATE INDEX outbox_remote_id_idx ON outbox (account_id, remote_id) WHERE remote_id IS NOT NULL;
