@note Written once for SQLite and PostgreSQL: a line starting with @sqlite or @postgres is that
@note database's only (src/store/migrations.rs renders each; a migration's rendered text is its checksum).
@sqlite -- landed-server schema (SQLite). Money: BIGINT minor units + currency; times: BIGINT unix microseconds.
@postgres -- landed-server schema (PostgreSQL). Money: BIGINT minor units + currency; times: BIGINT unix microseconds.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE signing_keys (
    kid          TEXT PRIMARY KEY,
    private_key  TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    retired_at   BIGINT
);

CREATE TABLE quotes (
    id                     TEXT PRIMARY KEY,
    tenant_id              TEXT NOT NULL REFERENCES tenants(id),
    basket                 TEXT NOT NULL,
    quote                  TEXT NOT NULL,
    token                  TEXT NOT NULL,
    kid                    TEXT NOT NULL REFERENCES signing_keys(kid),
    destination            TEXT NOT NULL,
    currency               TEXT NOT NULL,
    duty_minor             BIGINT NOT NULL,
    tax_minor              BIGINT NOT NULL,
    fees_minor             BIGINT NOT NULL,
    landed_cost_minor      BIGINT NOT NULL,
    due_at_checkout_minor  BIGINT NOT NULL,
    due_at_delivery_minor  BIGINT NOT NULL,
    prepaid_minor          BIGINT NOT NULL,
    pack_id                TEXT NOT NULL,
    pack_version           TEXT NOT NULL,
    created_at             BIGINT NOT NULL,
    expires_at             BIGINT NOT NULL,
    accepted_at            BIGINT,
    settled_at             BIGINT
);
CREATE INDEX quotes_tenant_created ON quotes(tenant_id, created_at);

-- One row per clearance event of a quote; a correction is a new row with a higher seq.
CREATE TABLE clearances (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    quote_id        TEXT NOT NULL REFERENCES quotes(id),
    seq             BIGINT NOT NULL,
    parcel_id       TEXT NOT NULL,
    status          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    duty_minor      BIGINT NOT NULL,
    tax_minor       BIGINT NOT NULL,
    fees_minor      BIGINT NOT NULL,
    assessed_minor  BIGINT NOT NULL,
    prepaid_minor   BIGINT NOT NULL,
    transfer_id     TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (quote_id, seq)
);
CREATE INDEX clearances_tenant_created ON clearances(tenant_id, created_at);

-- The double-entry ledger. Append-only: every transfer's entries sum to zero.
CREATE TABLE entries (
@sqlite     id            INTEGER PRIMARY KEY AUTOINCREMENT,
@postgres     id            BIGSERIAL PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    transfer_id   TEXT NOT NULL,
    quote_id      TEXT NOT NULL REFERENCES quotes(id),
    kind          TEXT NOT NULL,
    account       TEXT NOT NULL,
    currency      TEXT NOT NULL,
    amount_minor  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX entries_tenant ON entries(tenant_id, account, currency);
CREATE INDEX entries_transfer ON entries(transfer_id);
@sqlite CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
@sqlite BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
@sqlite CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
@sqlite BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
@postgres CREATE FUNCTION entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
@postgres BEGIN RAISE EXCEPTION 'entries are append-only'; END;
@postgres $$;
@postgres CREATE TRIGGER entries_no_update BEFORE UPDATE OR DELETE ON entries
@postgres FOR EACH ROW EXECUTE FUNCTION entries_append_only();

CREATE TABLE idempotency (
    tenant_id     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        BIGINT NOT NULL,
    response      TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
