// Generated from the repository's sql/*.sql files by MigratorTests.bundledMigrationsMatchSQLDirectory.
// Do not edit: change or add a file in sql/ and run the WAGateStoreTests, which rewrite this file.

extension Migration {
    /// The migrations of the repository's `sql/` directory, compiled into the binary so that it needs
    /// no resource files at run time (`sql/` stays the single source of truth; a test keeps this in sync).
    public static let bundled: [Migration] = [
        Migration(
            version: 1, name: "init",
            sql: #"""
-- 001_init: the gateway's base schema (DESIGN.md §3).
--
-- Every table whose rows belong to an account has account_id first in its primary key, so the schema can
-- be distributed by account (for example with Citus) without change. Secrets (device credentials,
-- message bodies, wrapped data keys) are sealed by the gateway before they reach these tables.

-- Agents: one per character file; accounts belong to an agent.
CREATE TABLE agents (
    agent_id   text PRIMARY KEY,
    name       text NOT NULL,
    definition jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Accounts: account_id is "<agent slug>/<account name>", for example "milady-whatsapp-test/default".
CREATE TABLE accounts (
    account_id   text PRIMARY KEY,
    agent_id     text NOT NULL REFERENCES agents (agent_id),
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('web', 'cloud')),
    config       jsonb NOT NULL,
    state        text NOT NULL DEFAULT 'stopped',
    state_reason text,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_agent_id_idx ON accounts (agent_id);

-- Which gateway process runs an account (sharding); the fencing token rejects writes from a stale owner.
CREATE TABLE account_leases (
    account_id    text PRIMARY KEY,
    owner         text,
    fencing_token bigint NOT NULL DEFAULT 0,
    expires_at    timestamptz
);

-- Each account's data key, wrapped (sealed) by the gateway master key identified by kek_id.
CREATE TABLE account_data_keys (
    account_id  text PRIMARY KEY,
    kek_id      text NOT NULL,
    wrapped_key bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    rotated_at  timestamptz
);

-- Sealed WhatsApp Web credentials (noise key, identity, registration id, ...), one row per named item.
CREATE TABLE device_credentials (
    account_id text NOT NULL,
    name       text NOT NULL,
    sealed     bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, name)
);

-- Message history; bodies are sealed, metadata holds non-secret attributes.
CREATE TABLE messages (
    account_id  text NOT NULL,
    chat_jid    text NOT NULL,
    message_id  text NOT NULL,
    sender_jid  text,
    from_me     boolean NOT NULL DEFAULT false,
    ts          timestamptz NOT NULL,
    type        text NOT NULL DEFAULT 'text',
    status      text,
    body_sealed bytea,
    metadata    jsonb,
    PRIMARY KEY (account_id, chat_jid, message_id)
);
CREATE INDEX messages_account_chat_ts_idx ON messages (account_id, chat_jid, ts);

-- Messages waiting to be sent; message_id is the id the gateway chose, unique per account.
CREATE TABLE outbox (
    account_id  text NOT NULL,
    outbox_id   bigserial,
    chat_jid    text NOT NULL,
    message_id  text NOT NULL,
    body_sealed bytea,
    status      text NOT NULL DEFAULT 'pending',
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    PRIMARY KEY (account_id, outbox_id),
    UNIQUE (account_id, message_id)
);

-- Unknown senders who asked to talk to the agent, waiting for approval with a pairing code.
CREATE TABLE pairing_requests (
    account_id   text NOT NULL,
    sender       text NOT NULL,
    code         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    meta         jsonb,
    PRIMARY KEY (account_id, sender)
);

-- Senders approved to talk to an account.
CREATE TABLE allow_list (
    account_id  text NOT NULL,
    sender      text NOT NULL,
    approved_at timestamptz NOT NULL DEFAULT now(),
    approved_by text,
    PRIMARY KEY (account_id, sender)
);

-- Control-API calls and other security-relevant events; not per-account (account_id may be null).
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text,
    method     text NOT NULL,
    account_id text,
    outcome    text NOT NULL,
    details    jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_account_at_idx ON audit_log (account_id, at);

"""#),
        Migration(
            version: 2, name: "cluster",
            sql: #"""
-- Cluster membership: every gateway process registers here and heartbeats; accounts are split between
-- the live members with fenced leases (account_leases, from 001).
CREATE TABLE cluster_members (
    member_id    text PRIMARY KEY,
    address      text NOT NULL,
    capacity     integer NOT NULL CHECK (capacity >= 0),
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Leases are claimed by owner and looked up by expiry when a member sweeps for free accounts.
CREATE INDEX account_leases_owner ON account_leases (owner);
CREATE INDEX account_leases_expires_at ON account_leases (expires_at);

"""#),
        Migration(
            version: 3, name: "messaging",
            sql: #"""
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

"""#),
        Migration(
            version: 4, name: "signal_state",
            sql: #"""
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

"""#),
    ]
}
