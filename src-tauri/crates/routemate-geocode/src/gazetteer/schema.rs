//! The gazetteer's SQLite schema.
//!
//! Source tables (`address`, `way`, `locality`) are keyed by a stable source identity so that a
//! re-import upserts instead of duplicating. The street index (`street`, its FTS5 and R*Tree
//! companions) is derived from them and rebuilt after every import.

use rusqlite::Connection;

/// Bumped when the schema changes incompatibly; older files are rebuilt by re-importing.
pub const SCHEMA_VERSION: i64 = 1;

pub(crate) fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS address (
            key TEXT PRIMARY KEY,
            number TEXT NOT NULL,
            first INTEGER NOT NULL,
            last INTEGER NOT NULL,
            unit TEXT,
            street_key TEXT NOT NULL,
            street_display TEXT NOT NULL,
            locality TEXT,
            postcode TEXT,
            state TEXT,
            lat REAL NOT NULL,
            lng REAL NOT NULL,
            street_id INTEGER
        );
        CREATE INDEX IF NOT EXISTS address_street ON address(street_id, first);
        CREATE INDEX IF NOT EXISTS address_street_key ON address(street_key);
        CREATE TABLE IF NOT EXISTS way (
            key TEXT PRIMARY KEY,
            street_key TEXT NOT NULL,
            display TEXT NOT NULL,
            coords BLOB NOT NULL,
            open_end INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS street (
            id INTEGER PRIMARY KEY,
            street_key TEXT NOT NULL,
            base TEXT NOT NULL,
            kind TEXT,
            display TEXT NOT NULL,
            locality TEXT,
            postcode TEXT,
            lat REAL NOT NULL,
            lng REAL NOT NULL,
            min_lat REAL NOT NULL,
            max_lat REAL NOT NULL,
            min_lng REAL NOT NULL,
            max_lng REAL NOT NULL,
            address_count INTEGER NOT NULL,
            open_end INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS street_by_key ON street(street_key);
        -- Exact-name lookups and the bounded typo pool: without these every lookup would
        -- read the whole street table.
        CREATE INDEX IF NOT EXISTS street_by_base ON street(base);
        CREATE INDEX IF NOT EXISTS street_by_initial
            ON street(substr(base, 1, 1), length(base));
        CREATE VIRTUAL TABLE IF NOT EXISTS street_fts USING fts5(base, tokenize = 'trigram');
        CREATE VIRTUAL TABLE IF NOT EXISTS street_rtree
            USING rtree(id, min_lat, max_lat, min_lng, max_lng);
        CREATE TABLE IF NOT EXISTS locality (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            display TEXT NOT NULL,
            state TEXT,
            postcode TEXT,
            lat REAL NOT NULL,
            lng REAL NOT NULL,
            accuracy INTEGER NOT NULL,
            source TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS locality_name ON locality(name);
        CREATE INDEX IF NOT EXISTS locality_postcode ON locality(postcode);
        CREATE VIRTUAL TABLE IF NOT EXISTS locality_rtree
            USING rtree(id, min_lat, max_lat, min_lng, max_lng);
        ",
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?1)",
        [SCHEMA_VERSION.to_string()],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', '0')",
        [],
    )?;
    Ok(())
}
