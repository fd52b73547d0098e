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
