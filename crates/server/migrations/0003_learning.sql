@note Written once for SQLite and PostgreSQL: a line starting with @sqlite or @postgres is that
@note database's only (src/store/migrations.rs renders each; a migration's rendered text is its checksum).
@sqlite -- The learning loop (SQLite): catalogue memory of confirmed HS codes per SKU, the codes customs
@postgres -- The learning loop (PostgreSQL): catalogue memory of confirmed HS codes per SKU, the codes customs
-- assessed at clearance (and brokers' corrections) against the codes quoted, and tenant settings.
-- Money: BIGINT minor units + currency; times: BIGINT unix microseconds; days: TEXT YYYY-MM-DD.

-- Every SKU a platform has quoted, with what its latest quote said: a broker may correct only a
-- SKU the platform knows, and the correction is compared with the code last quoted.
CREATE TABLE skus (
    tenant_id         TEXT NOT NULL REFERENCES tenants(id),
    sku               TEXT NOT NULL,
    description       TEXT NOT NULL,
    last_quote_id     TEXT NOT NULL,
    last_destination  TEXT NOT NULL,
    last_hs_code      TEXT,
    last_hs_source    TEXT NOT NULL,
    first_quoted_at   BIGINT NOT NULL,
    last_quoted_at    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, sku)
);

-- Confirmed codes, append-only: the newest row of a (sku, destination) is current, the older
-- ones are its history. destination '' = for every destination (a merchant's code).
CREATE TABLE catalogue_entries (
@sqlite     id             INTEGER PRIMARY KEY AUTOINCREMENT,
@postgres     id             BIGSERIAL PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    sku            TEXT NOT NULL,
    destination    TEXT NOT NULL,
    hs_code        TEXT NOT NULL,
    source         TEXT NOT NULL,
    given_code     TEXT NOT NULL,
    given_edition  BIGINT NOT NULL,
    confirmed_on   TEXT NOT NULL,
    quote_id       TEXT,
    parcel_id      TEXT,
    note           TEXT,
    recorded_at    BIGINT NOT NULL
);
CREATE INDEX catalogue_entries_sku ON catalogue_entries(tenant_id, sku, destination, id);
@sqlite CREATE TRIGGER catalogue_entries_no_update BEFORE UPDATE ON catalogue_entries
@sqlite BEGIN SELECT RAISE(ABORT, 'catalogue entries are append-only'); END;
@sqlite CREATE TRIGGER catalogue_entries_no_delete BEFORE DELETE ON catalogue_entries
@sqlite BEGIN SELECT RAISE(ABORT, 'catalogue entries are append-only'); END;
@postgres CREATE FUNCTION catalogue_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
@postgres BEGIN RAISE EXCEPTION 'catalogue entries are append-only'; END;
@postgres $$;
@postgres CREATE TRIGGER catalogue_entries_no_update BEFORE UPDATE OR DELETE ON catalogue_entries
@postgres FOR EACH ROW EXECUTE FUNCTION catalogue_entries_append_only();

-- One row per line whose code customs assessed at a clearance (origin 'customs', written in the
-- clearance's transaction) or a broker corrected (origin 'broker'). misclassified = 1 when the
-- assessed code differs from the quoted one at the precision both have. The duties are the line's
-- duty as quoted and as re-quoted with the assessed code (the same basket, date and rates).
CREATE TABLE hs_assessments (
    id                   TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants(id),
    origin               TEXT NOT NULL,
    quote_id             TEXT REFERENCES quotes(id),
    clearance_id         TEXT REFERENCES clearances(id),
    seq                  BIGINT,
    parcel_id            TEXT,
    item_id              TEXT NOT NULL,
    description          TEXT NOT NULL,
    destination          TEXT NOT NULL,
    currency             TEXT,
    quoted_code          TEXT,
    quoted_source        TEXT NOT NULL,
    assessed_code        TEXT NOT NULL,
    misclassified        BIGINT NOT NULL,
    quoted_duty_minor    BIGINT,
    assessed_duty_minor  BIGINT,
    note                 TEXT,
    created_at           BIGINT NOT NULL,
    UNIQUE (clearance_id, item_id)
);
CREATE INDEX hs_assessments_created ON hs_assessments(tenant_id, created_at);
CREATE INDEX hs_assessments_quote ON hs_assessments(tenant_id, quote_id, seq);

CREATE TABLE tenant_settings (
    tenant_id          TEXT PRIMARY KEY REFERENCES tenants(id),
    share_corrections  BIGINT NOT NULL DEFAULT 0,
    updated_at         BIGINT NOT NULL
);
