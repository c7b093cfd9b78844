//! Writing into the gazetteer: one transaction per import, upserts keyed by source identity (so a
//! re-import replaces rather than duplicates), then a rebuild of the street index.

use super::index;
use crate::parse::{HouseNumber, StreetName};
use crate::GeocodeError;
use rusqlite::{params, Connection};
use std::sync::MutexGuard;

/// An address point as an importer produces it.
#[derive(Debug, Clone)]
pub struct AddressRow {
    /// Stable identity in its source ("osm:n835035223", "csv:<address text>").
    pub key: String,
    pub number: HouseNumber,
    pub unit: Option<String>,
    pub street: StreetName,
    /// The street as written in the source, for display.
    pub street_display: String,
    pub locality: Option<String>,
    pub postcode: Option<String>,
    pub state: Option<String>,
    pub lat: f64,
    pub lng: f64,
}

/// A piece of named street geometry (an OSM highway way).
#[derive(Debug, Clone)]
pub struct WayRow {
    pub key: String,
    pub street: StreetName,
    pub display: String,
    /// (lat, lng) vertices.
    pub coords: Vec<(f64, f64)>,
    /// The street may go on beyond the data (a vertex at the extract's edge, or nodes missing
    /// from a clipped file): its known extent says nothing about where an address on it is.
    pub open_end: bool,
}

/// A locality or postcode centroid.
#[derive(Debug, Clone)]
pub struct LocalityRow {
    pub key: String,
    /// Normalised name (lowercase, single spaces).
    pub name: String,
    pub display: String,
    pub state: Option<String>,
    pub postcode: Option<String>,
    pub lat: f64,
    pub lng: f64,
    pub accuracy: i64,
    pub source: String,
}

/// An open import transaction. Dropping it without [`ImportWriter::finish`] rolls back.
pub struct ImportWriter<'a> {
    conn: MutexGuard<'a, Connection>,
    done: bool,
}

impl<'a> ImportWriter<'a> {
    pub(super) fn begin(conn: MutexGuard<'a, Connection>) -> Result<Self, GeocodeError> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(ImportWriter { conn, done: false })
    }

    pub fn address(&mut self, row: &AddressRow) -> Result<(), GeocodeError> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO address (key, number, first, last, unit, street_key, street_display, \
             locality, postcode, state, lat, lng) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) \
             ON CONFLICT(key) DO UPDATE SET number=excluded.number, first=excluded.first, \
             last=excluded.last, unit=excluded.unit, street_key=excluded.street_key, \
             street_display=excluded.street_display, locality=excluded.locality, \
             postcode=excluded.postcode, state=excluded.state, lat=excluded.lat, lng=excluded.lng",
        )?;
        stmt.execute(params![
            row.key,
            row.number.text,
            row.number.first as i64,
            row.number.last as i64,
            row.unit,
            row.street.key(),
            row.street_display,
            row.locality,
            row.postcode,
            row.state,
            row.lat,
            row.lng
        ])?;
        Ok(())
    }

    pub fn way(&mut self, row: &WayRow) -> Result<(), GeocodeError> {
        let mut blob = Vec::with_capacity(row.coords.len() * 8);
        for (lat, lng) in &row.coords {
            blob.extend_from_slice(&(*lat as f32).to_le_bytes());
            blob.extend_from_slice(&(*lng as f32).to_le_bytes());
        }
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO way (key, street_key, display, coords, open_end) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO UPDATE SET \
             street_key=excluded.street_key, display=excluded.display, coords=excluded.coords, \
             open_end=excluded.open_end",
        )?;
        stmt.execute(params![
            row.key,
            row.street.key(),
            row.display,
            blob,
            row.open_end
        ])?;
        Ok(())
    }

    pub fn locality(&mut self, row: &LocalityRow) -> Result<(), GeocodeError> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO locality (key, name, display, state, postcode, lat, lng, accuracy, source) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(key) DO UPDATE SET \
             name=excluded.name, display=excluded.display, state=excluded.state, \
             postcode=excluded.postcode, lat=excluded.lat, lng=excluded.lng, \
             accuracy=excluded.accuracy, source=excluded.source",
        )?;
        stmt.execute(params![
            row.key,
            row.name,
            row.display,
            row.state,
            row.postcode,
            row.lat,
            row.lng,
            row.accuracy,
            row.source
        ])?;
        Ok(())
    }

    /// Records an attribution line for a source ("© OpenStreetMap contributors (ODbL)").
    pub fn attribution(&mut self, source: &str, text: &str) -> Result<(), GeocodeError> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![format!("attribution:{source}"), text],
        )?;
        Ok(())
    }

    /// Commits the rows, rebuilds the street index and bumps the generation.
    pub fn finish(mut self) -> Result<(), GeocodeError> {
        let result = index::rebuild(&self.conn).and_then(|()| {
            self.conn.execute(
                "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) \
                 WHERE key = 'generation'",
                [],
            )?;
            self.conn.execute_batch("COMMIT")?;
            Ok(())
        });
        self.done = result.is_ok();
        result
    }
}

impl Drop for ImportWriter<'_> {
    fn drop(&mut self) {
        if !self.done {
            if let Err(e) = self.conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "rolling back a gazetteer import failed");
            }
        }
    }
}
