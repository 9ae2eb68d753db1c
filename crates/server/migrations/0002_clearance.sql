@note Written once for SQLite and PostgreSQL: a line starting with @sqlite or @postgres is that
@note database's only (src/store/migrations.rs renders each; a migration's rendered text is its checksum).
@sqlite -- Clearance visibility and risk (SQLite): parcel timelines, the webhook outbox, inspection-rate
@postgres -- Clearance visibility and risk (PostgreSQL): parcel timelines, the webhook outbox, inspection-rate
-- alerts and seller complaints. Money: BIGINT minor units + currency; times: BIGINT unix microseconds.

-- The seller a quote was made for and its risk block (undervaluation flags, seller lane), so an
-- idempotent replay returns the same bytes.
ALTER TABLE quotes ADD COLUMN seller_id TEXT;
ALTER TABLE quotes ADD COLUMN risk TEXT;

-- One row per parcel (the platform's parcel_id), created by its `declared` event and updated by
-- each later event. The flags below are facts derived from the timeline, kept for the statistics.
CREATE TABLE parcels (
    tenant_id             TEXT NOT NULL REFERENCES tenants(id),
    id                    TEXT NOT NULL,
    quote_id              TEXT,
    seller_id             TEXT,
    destination           TEXT NOT NULL,
    currency              TEXT NOT NULL,
    declared_total_minor  BIGINT NOT NULL,
    status                TEXT NOT NULL,
    seq                   BIGINT NOT NULL,
    inspected             BIGINT NOT NULL DEFAULT 0,
    held                  BIGINT NOT NULL DEFAULT 0,
    flagged_lines         BIGINT NOT NULL DEFAULT 0,
    line_count            BIGINT NOT NULL DEFAULT 0,
    assessed_value_minor  BIGINT,
    duty_due_at           BIGINT,
    duty_paid_at          BIGINT,
    declared_at           BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX parcels_seller ON parcels(tenant_id, seller_id);

-- Declared lines: the platform's own history of unit values (undervaluation reference) and the
-- categories of the inspection-rate statistics.
CREATE TABLE parcel_lines (
    tenant_id         TEXT NOT NULL,
    parcel_id         TEXT NOT NULL,
    line_no           BIGINT NOT NULL,
    destination       TEXT NOT NULL,
    hs6               TEXT NOT NULL,
    quantity          BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    unit_value_minor  BIGINT NOT NULL,
    flag              TEXT,
    declared_at       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, parcel_id, line_no)
);
CREATE INDEX parcel_lines_reference ON parcel_lines(tenant_id, destination, hs6, currency, declared_at);
CREATE INDEX parcel_lines_declared ON parcel_lines(tenant_id, declared_at);

-- The status timeline: one row per accepted event, in recording order.
CREATE TABLE parcel_events (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    parcel_id    TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    status       TEXT NOT NULL,
    occurred_at  BIGINT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    detail       TEXT NOT NULL,
    UNIQUE (tenant_id, parcel_id, seq)
);

CREATE TABLE webhook_endpoints (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    event_types  TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints(tenant_id);

-- The outbox: written in the same transaction as the event it announces; delivered at least once.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints(id),
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    retry_from       BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    last_status      BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_tenant ON webhook_deliveries(tenant_id, created_at);

CREATE TABLE alerts (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL REFERENCES tenants(id),
    destination         TEXT NOT NULL,
    level               TEXT NOT NULL,
    category            TEXT NOT NULL,
    window_parcels      BIGINT NOT NULL,
    window_inspected    BIGINT NOT NULL,
    baseline_parcels    BIGINT NOT NULL,
    baseline_inspected  BIGINT NOT NULL,
@sqlite     z                   REAL NOT NULL,
@sqlite     p_value             REAL NOT NULL,
@postgres     z                   DOUBLE PRECISION NOT NULL,
@postgres     p_value             DOUBLE PRECISION NOT NULL,
    sellers             TEXT NOT NULL,
    suggestion          TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX alerts_category ON alerts(tenant_id, destination, level, category, created_at);

CREATE TABLE seller_complaints (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    seller_id   TEXT NOT NULL,
    parcel_id   TEXT,
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX seller_complaints_seller ON seller_complaints(tenant_id, seller_id);
