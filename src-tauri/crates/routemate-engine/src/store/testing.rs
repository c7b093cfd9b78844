//! The test suites' switch between backends: with `ROUTEMATE_TEST_DATABASE_URL` set (by
//! `tests/postgres/with-postgres.sh`), [`crate::store::Store::open`] opens PostgreSQL instead
//! of sled, in a schema of its own per data dir. The schema's name is kept in the data dir
//! (`test-postgres-schema`), so reopening the same dir finds the same records — as sled would —
//! and every fresh temp dir starts empty. Production deployments use `--database` /
//! `ROUTEMATE_DATABASE_URL` ([`crate::store::Store::open_postgres`]), never this.

use super::kv::postgres::PgOptions;
use crate::error::EngineError;
use std::path::Path;

/// The variable that switches the test suites to PostgreSQL.
pub const TEST_DATABASE_URL: &str = "ROUTEMATE_TEST_DATABASE_URL";
const SCHEMA_FILE: &str = "test-postgres-schema";

/// Whether the suites run on PostgreSQL (sled-only tests skip, saying so).
pub fn on_postgres() -> bool {
    std::env::var_os(TEST_DATABASE_URL).is_some_and(|v| !v.is_empty())
}

/// Skips a sled-only test on PostgreSQL: `if testing::sled_only("why") { return; }`.
pub fn sled_only(why: &str) -> bool {
    if on_postgres() {
        eprintln!("skipped on PostgreSQL: {why}");
    }
    on_postgres()
}

/// The PostgreSQL store for data dir `dir` under the test switch, or `None` (sled).
pub(crate) fn postgres_for(dir: &Path) -> Result<Option<PgOptions>, EngineError> {
    let Some(url) = std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return Ok(None);
    };
    std::fs::create_dir_all(dir).map_err(|source| EngineError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let file = dir.join(SCHEMA_FILE);
    let schema = match std::fs::read_to_string(&file) {
        Ok(s) => s.trim().to_string(),
        Err(_) => {
            let s = format!("t_{}", uuid::Uuid::new_v4().simple());
            std::fs::write(&file, &s).map_err(|source| EngineError::Io {
                path: file.clone(),
                source,
            })?;
            s
        }
    };
    tracing::warn!(schema, "test store on PostgreSQL ({TEST_DATABASE_URL})");
    Ok(Some(PgOptions {
        url,
        schema: Some(schema),
    }))
}
