//! The offline gazetteer: a SQLite file (bundled SQLite, FTS5 + R*Tree) of address points,
//! street geometry and localities/postcodes, with the queries the matcher needs.

mod index;
mod schema;
mod write;

pub use write::{AddressRow, ImportWriter, LocalityRow, WayRow};

use crate::GeocodeError;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A street of the index: one name in one place (same-named streets far apart are separate).
#[derive(Debug, Clone, PartialEq)]
pub struct StreetRow {
    pub id: i64,
    pub key: String,
    pub base: String,
    pub kind: Option<String>,
    pub display: String,
    pub locality: Option<String>,
    pub postcode: Option<String>,
    /// A point on the street near the middle of its extent.
    pub lat: f64,
    pub lng: f64,
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lng: f64,
    pub max_lng: f64,
    /// Part of the street may lie outside the data (see [`WayRow::open_end`]).
    pub open_end: bool,
}

/// A known address point on a street.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressPoint {
    /// Source identity ("osm:w123"): buildings beat POI nodes when both carry an address.
    pub key: String,
    pub number: String,
    pub first: u32,
    pub last: u32,
    pub unit: Option<String>,
    pub locality: Option<String>,
    pub postcode: Option<String>,
    pub lat: f64,
    pub lng: f64,
}

/// A locality or postcode centroid.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub display: String,
    pub state: Option<String>,
    pub postcode: Option<String>,
    pub lat: f64,
    pub lng: f64,
    /// GeoNames accuracy: 4 = locality centroid, 1 = estimated; bundled data uses 2.
    pub accuracy: i64,
}

/// Row counts, for summaries and the CLI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GazetteerStats {
    pub addresses: u64,
    pub streets: u64,
    pub ways: u64,
    pub localities: u64,
}

/// An open gazetteer. Queries are serialised on one connection; each is a few indexed lookups.
pub struct Gazetteer {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer").finish_non_exhaustive()
    }
}

const STREET_COLS: &str = "id, street_key, base, kind, display, locality, postcode, lat, lng, \
                           min_lat, max_lat, min_lng, max_lng, open_end";

impl Gazetteer {
    /// Opens (creating if needed) the gazetteer file.
    pub fn open(path: &Path) -> Result<Gazetteer, GeocodeError> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| GeocodeError::Io {
                    path: dir.display().to_string(),
                    source: e,
                })?;
            }
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::from_connection(conn)
    }

    /// A gazetteer that lives only in memory (bundled data, tests).
    pub fn open_in_memory() -> Result<Gazetteer, GeocodeError> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    fn from_connection(conn: Connection) -> Result<Gazetteer, GeocodeError> {
        schema::create(&conn)?;
        // The chain uses ~20 distinct statements; the default cache (16) would re-prepare them.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Gazetteer {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back), so a
        // poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts an import; rows become visible when the writer finishes.
    pub fn writer(&self) -> Result<ImportWriter<'_>, GeocodeError> {
        ImportWriter::begin(self.lock())
    }

    /// Changes on every import; cached results from an older generation are recomputed.
    pub fn generation(&self) -> u64 {
        let conn = self.lock();
        conn.query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
    }

    pub fn stats(&self) -> Result<GazetteerStats, GeocodeError> {
        let conn = self.lock();
        let count = |table: &str| -> rusqlite::Result<u64> {
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
        };
        Ok(GazetteerStats {
            addresses: count("address")?,
            streets: count("street")?,
            ways: count("way")?,
            localities: count("locality")?,
        })
    }

    /// Streets whose base name shares a trigram with `base` (unranked: the caller scores them
    /// with strsim, and bm25 ranking cost more than the whole rest of a lookup).
    pub fn streets_like(&self, base: &str, limit: usize) -> Result<Vec<StreetRow>, GeocodeError> {
        let grams = trigrams(base);
        if grams.is_empty() {
            return Ok(Vec::new());
        }
        let query = grams
            .iter()
            .map(|g| format!("\"{g}\""))
            .collect::<Vec<_>>()
            .join(" OR ");
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {STREET_COLS} FROM street WHERE id IN \
             (SELECT rowid FROM street_fts WHERE street_fts MATCH ?1 LIMIT ?2)"
        ))?;
        let rows = stmt.query_map(params![query, limit as i64], street_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Streets with exactly this base name (any type).
    pub fn streets_named(&self, base: &str) -> Result<Vec<StreetRow>, GeocodeError> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare_cached(&format!("SELECT {STREET_COLS} FROM street WHERE base = ?1"))?;
        let rows = stmt.query_map([base], street_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Streets whose extent meets the box (R*Tree).
    pub fn streets_in_box(
        &self,
        (min_lat, max_lat, min_lng, max_lng): (f64, f64, f64, f64),
        limit: usize,
    ) -> Result<Vec<StreetRow>, GeocodeError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {STREET_COLS} FROM street WHERE id IN (SELECT id FROM street_rtree \
             WHERE max_lat >= ?1 AND min_lat <= ?2 AND max_lng >= ?3 AND min_lng <= ?4 LIMIT ?5)"
        ))?;
        let rows = stmt.query_map(
            params![min_lat, max_lat, min_lng, max_lng, limit as i64],
            street_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Streets whose base name starts with the same letter as `base` and is within `slack`
    /// characters of its length, at most `limit` of them: the typo fallback's pool when
    /// trigrams share nothing. Read through an index on (initial, length), so the cost is the
    /// rows returned, never the size of the gazetteer.
    pub fn streets_with_initial(
        &self,
        base: &str,
        slack: usize,
        limit: usize,
    ) -> Result<Vec<StreetRow>, GeocodeError> {
        let Some(initial) = base.chars().next() else {
            return Ok(Vec::new());
        };
        let len = base.chars().count();
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {STREET_COLS} FROM street WHERE substr(base, 1, 1) = ?1 \
             AND length(base) BETWEEN ?2 AND ?3 LIMIT ?4"
        ))?;
        let rows = stmt.query_map(
            params![
                initial.to_string(),
                len.saturating_sub(slack) as i64,
                (len + slack) as i64,
                limit as i64
            ],
            street_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn street_count(&self) -> u64 {
        let conn = self.lock();
        conn.query_row("SELECT COUNT(*) FROM street", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .unwrap_or(0)
    }

    /// The address points of one street.
    pub fn addresses_on(&self, street_id: i64) -> Result<Vec<AddressPoint>, GeocodeError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT number, first, last, unit, locality, postcode, lat, lng, key FROM address \
             WHERE street_id = ?1 ORDER BY first",
        )?;
        let rows = stmt.query_map([street_id], |r| {
            Ok(AddressPoint {
                key: r.get(8)?,
                number: r.get(0)?,
                first: r.get::<_, i64>(1)? as u32,
                last: r.get::<_, i64>(2)? as u32,
                unit: r.get(3)?,
                locality: r.get(4)?,
                postcode: r.get(5)?,
                lat: r.get(6)?,
                lng: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Localities with exactly this (normalised) name.
    pub fn places_named(&self, name: &str) -> Result<Vec<Place>, GeocodeError> {
        self.places("WHERE name = ?1", name)
    }

    /// Localities in this postcode.
    pub fn places_in_postcode(&self, postcode: &str) -> Result<Vec<Place>, GeocodeError> {
        self.places("WHERE postcode = ?1", postcode)
    }

    fn places(&self, filter: &str, arg: &str) -> Result<Vec<Place>, GeocodeError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT name, display, state, postcode, lat, lng, accuracy FROM locality {filter}"
        ))?;
        let rows = stmt.query_map([arg], place_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Distinct locality names (for typo matching of suburbs).
    pub fn locality_names(&self) -> Result<Vec<String>, GeocodeError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("SELECT DISTINCT name FROM locality")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Localities whose centroid lies within the box (R*Tree).
    pub fn places_in_box(
        &self,
        (min_lat, max_lat, min_lng, max_lng): (f64, f64, f64, f64),
    ) -> Result<Vec<Place>, GeocodeError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT name, display, state, postcode, lat, lng, accuracy FROM locality WHERE id IN \
             (SELECT id FROM locality_rtree WHERE max_lat >= ?1 AND min_lat <= ?2 \
              AND max_lng >= ?3 AND min_lng <= ?4)",
        )?;
        let rows = stmt.query_map(params![min_lat, max_lat, min_lng, max_lng], place_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Attribution lines of every source imported so far (for the About box).
    pub fn attributions(&self) -> Vec<String> {
        let conn = self.lock();
        let Ok(mut stmt) = conn
            .prepare_cached("SELECT value FROM meta WHERE key LIKE 'attribution:%' ORDER BY key")
        else {
            return Vec::new();
        };
        stmt.query_map([], |r| r.get::<_, String>(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }

    /// A meta value (e.g. the attribution of imported sources).
    pub fn meta(&self, key: &str) -> Option<String> {
        let conn = self.lock();
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }
}

fn street_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StreetRow> {
    Ok(StreetRow {
        id: r.get(0)?,
        key: r.get(1)?,
        base: r.get(2)?,
        kind: r.get(3)?,
        display: r.get(4)?,
        locality: r.get(5)?,
        postcode: r.get(6)?,
        lat: r.get(7)?,
        lng: r.get(8)?,
        min_lat: r.get(9)?,
        max_lat: r.get(10)?,
        min_lng: r.get(11)?,
        max_lng: r.get(12)?,
        open_end: r.get(13)?,
    })
}

fn place_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Place> {
    Ok(Place {
        name: r.get(0)?,
        display: r.get(1)?,
        state: r.get(2)?,
        postcode: r.get(3)?,
        lat: r.get(4)?,
        lng: r.get(5)?,
        accuracy: r.get(6)?,
    })
}

/// The distinct three-letter substrings of a name (what the trigram FTS index is built from).
fn trigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().filter(|c| *c != '"').collect();
    let mut out: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let g: String = w.iter().collect();
        if !out.contains(&g) {
            out.push(g);
        }
    }
    out
}
