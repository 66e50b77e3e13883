-- The shop's tables, for SQLite and PostgreSQL alike: only types and statements both
-- take (TEXT, BIGINT, CHECK, REFERENCES, ON CONFLICT), so that one set of migrations
-- serves both databases.

-- The catalog. Prices are integers in the currency's minor unit (cents for EUR).
CREATE TABLE products (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    price_minor BIGINT NOT NULL CHECK (price_minor > 0),
    currency    TEXT NOT NULL,
    position    BIGINT NOT NULL
);

INSERT INTO products (id, name, price_minor, currency, position) VALUES
    ('espresso-beans', 'Espresso beans, 250 g', 1250, 'EUR', 1),
    ('pour-over-kettle', 'Pour-over kettle', 4900, 'EUR', 2),
    ('paper-filters', 'Paper filters, 100', 650, 'EUR', 3),
    ('ceramic-cup', 'Ceramic cup', 1800, 'EUR', 4);

-- An order: made by the server from the catalog, bound to the browser that made it
-- (the SHA-256 of its cookie), never priced by the browser.
CREATE TABLE orders (
    id                TEXT PRIMARY KEY NOT NULL,
    browser_hash      TEXT NOT NULL,
    currency          TEXT NOT NULL,
    total_minor       BIGINT NOT NULL CHECK (total_minor > 0),
    created_at        BIGINT NOT NULL,
    -- Set together by the first checkout, before StableMint is called: who pays, and
    -- the idempotency key of the order's current session. Generation 0 means no
    -- checkout yet; then 1, and one more for each replaced session.
    user_email        TEXT,
    user_country_code TEXT,
    generation        BIGINT NOT NULL DEFAULT 0,
    idempotency_key   TEXT UNIQUE,
    -- Set once StableMint's answer arrived.
    session_id        TEXT,
    reference         TEXT,
    expires_at        BIGINT
);

CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders (id),
    position         BIGINT NOT NULL,
    product_id       TEXT NOT NULL REFERENCES products (id),
    name             TEXT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, position)
);

-- Sessions that expired and were replaced: a notification about one can still arrive.
CREATE TABLE replaced_sessions (
    order_id        TEXT NOT NULL REFERENCES orders (id),
    generation      BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    reference       TEXT NOT NULL,
    expires_at      BIGINT NOT NULL,
    PRIMARY KEY (order_id, generation)
);

-- One row, written at every start: a database the server cannot write to is refused
-- then, not at the first checkout.
CREATE TABLE write_checks (
    id         BIGINT PRIMARY KEY NOT NULL,
    checked_at BIGINT NOT NULL
);
