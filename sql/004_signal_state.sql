-- 004_signal_state: an account's Signal state (identities of contacts, sessions, one-time and signed
-- prekeys, group sender keys), each value sealed with the account's data key. Rows change in the same
-- transaction as the message whose decryption advanced them.
CREATE TABLE signal_state (
    account_id text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('identity', 'session', 'prekey', 'signed_prekey', 'sender_key')),
    key        text NOT NULL,
    sealed     bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, kind, key)
);

-- Which phone number a LID stands for, as WhatsApp revealed it (sender_pn / sender_lid, usync).
CREATE TABLE lid_mappings (
    account_id text NOT NULL,
    lid        text NOT NULL,
    pn         text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, lid)
);
CREATE INDEX lid_mappings_pn_idx ON lid_mappings (account_id, pn);
