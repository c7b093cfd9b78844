//! The PostgreSQL backend of the storage seam, for several `routemate serve` processes on one
//! database.
//!
//! Schema (applied at open, see [`MIGRATIONS`]): `kv (tree text, key bytea, value bytea,
//! PRIMARY KEY (tree, key))` — bytea compares byte-wise, so key order is sled's — and the
//! sequence `kv_ids` behind [`PgDb::generate_id`]. `routemate_schema` records the migrations
//! applied; a database migrated by a newer build is refused.
//!
//! Calls are synchronous like sled's: each runs on the backend's own small tokio runtime and
//! the caller waits on a channel, so it works from any thread (a `spawn_blocking` thread, a test,
//! the CLI) and never nests runtimes. Connections come from a deadpool pool: a connection the
//! database dropped (a restart) is discarded and a new one made on the next call, so the pool
//! recovers by itself. Connection trouble is [`Error::Unavailable`] (HTTP 503 with Retry-After),
//! never a latched storage failure. TLS follows the URL's `sslmode` / `sslrootcert`, as libpq
//! reads them ([`super::pg_tls`]).

mod tx;

pub(super) use tx::transaction;
pub use tx::PgTxTree;

use super::pg_tls::PgTls;
use super::{Error, IVec, Result};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::ops::Bound;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_postgres::error::SqlState;

/// The schema, one step per version; a step runs once, in one transaction with its record.
pub const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    "CREATE TABLE kv (
         tree  text  NOT NULL,
         key   bytea NOT NULL,
         value bytea NOT NULL,
         PRIMARY KEY (tree, key)
     );
     CREATE SEQUENCE kv_ids;",
)];

/// Records fetched per round trip while iterating.
const PAGE: i64 = 256;
/// Pool size per process (PostgreSQL's default `max_connections` is 100).
const POOL_SIZE: usize = 16;
/// A transaction that keeps conflicting gives up after this many tries.
const MAX_TRIES: u32 = 100;

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// `postgres://user@host:port/db` (or the key=value form).
    pub url: String,
    /// A schema to create if missing and use (tests: one per store); `None`: the URL's default.
    pub schema: Option<String>,
}

/// A pool on one database (cheap to clone).
#[derive(Clone)]
pub struct PgDb {
    inner: Arc<Inner>,
}

struct Inner {
    rt: Option<tokio::runtime::Runtime>,
    pool: Pool,
    /// Where the database is, without the password (logs, errors).
    label: String,
    /// The TLS setting, to explain a failed connection.
    tls: Arc<PgTls>,
    opened: Mutex<BTreeSet<String>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // May run inside an async context (a test's runtime): do not block there.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// Pool sizes now, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub max_size: usize,
    /// Connections open.
    pub size: usize,
    /// Open connections not in use.
    pub available: usize,
    /// Callers waiting for a connection.
    pub waiting: usize,
}

impl PgDb {
    /// Connects, creates the schema if asked, and applies the migrations this build knows.
    pub fn open(opts: &PgOptions) -> Result<PgDb> {
        // sslmode / sslrootcert, read like libpq (tokio-postgres' parser knows neither fully).
        let tls = PgTls::from_url(&opts.url)?;
        let mut config = tokio_postgres::Config::from_str(tls.url())
            .map_err(|e| Error::Database(format!("the database URL is not valid: {e}")))?;
        tls.configure(&mut config);
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(3));
        }
        config.keepalives_idle(Duration::from_secs(30));
        if let Some(schema) = &opts.schema {
            check_identifier(schema)?;
            config.options(format!("-c search_path={schema}"));
        }
        let label = label(&config);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("routemate-pg")
            .enable_all()
            .build()
            .map_err(|e| Error::Database(format!("no runtime for the database client: {e}")))?;
        let manager = Manager::from_config(
            config,
            tls.connector(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = {
            let _enter = rt.enter();
            Pool::builder(manager)
                .max_size(POOL_SIZE)
                .runtime(deadpool_postgres::Runtime::Tokio1)
                .wait_timeout(Some(Duration::from_secs(5)))
                .create_timeout(Some(Duration::from_secs(3)))
                .recycle_timeout(Some(Duration::from_secs(3)))
                .build()
                .map_err(|e| Error::Database(format!("database pool: {e}")))?
        };
        let db = PgDb {
            inner: Arc::new(Inner {
                rt: Some(rt),
                pool,
                label,
                tls: Arc::new(tls.clone()),
                opened: Mutex::default(),
            }),
        };
        if let Some(schema) = &opts.schema {
            let sql = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
            db.run(move |c| async move { c.batch_execute(&sql).await })?;
        }
        db.migrate()?;
        tracing::info!(database = %db.inner.label, tls = %tls.describe(), "PostgreSQL store opened");
        Ok(db)
    }

    /// Where the database is (host, port, database, user; never the password).
    pub fn label(&self) -> &str {
        &self.inner.label
    }

    fn migrate(&self) -> Result<()> {
        let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        let found = self.run(move |mut c| async move {
            let tx = c.transaction().await?;
            // One process migrates at a time; the others wait, then find the work done.
            tx.batch_execute(
                "SELECT pg_advisory_xact_lock(7305262561);
                 CREATE TABLE IF NOT EXISTS routemate_schema (
                     version    integer PRIMARY KEY,
                     applied_at timestamptz NOT NULL DEFAULT now()
                 );",
            )
            .await?;
            let row = tx
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM routemate_schema",
                    &[],
                )
                .await?;
            let found: i32 = row.get(0);
            if found <= known {
                for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
                    tx.batch_execute(sql).await?;
                    tx.execute(
                        "INSERT INTO routemate_schema (version) VALUES ($1)",
                        &[version],
                    )
                    .await?;
                    tracing::info!(version, "database migration applied");
                }
            }
            tx.commit().await?;
            Ok(found)
        })?;
        if found > known {
            return Err(Error::Database(format!(
                "the database has schema version {found}, this build knows up to {known}: \
                 upgrade this build (a newer RouteMate migrated it)"
            )));
        }
        Ok(())
    }

    /// Runs `work` on a pooled connection and waits for it.
    fn run<T, F, Fut>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(deadpool_postgres::Object) -> Fut + Send + 'static,
        Fut: Future<Output = std::result::Result<T, tokio_postgres::Error>> + Send,
    {
        let pool = self.inner.pool.clone();
        let tls = self.inner.tls.clone();
        self.block_on(async move {
            let client = pool.get().await.map_err(|e| pool_error(e, &tls))?;
            work(client).await.map_err(pg_error)
        })
    }

    /// Runs `fut` on the backend's runtime and waits for its answer.
    fn block_on<T: Send + 'static>(
        &self,
        fut: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let rt = self
            .inner
            .rt
            .as_ref()
            .expect("the runtime lives as long as the pool");
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv()
            .unwrap_or_else(|_| Err(Error::Unavailable("the database client stopped".into())))
    }

    pub fn open_tree(&self, name: &str) -> PgTree {
        self.inner
            .opened
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string());
        PgTree {
            db: self.clone(),
            name: Arc::from(name),
        }
    }

    pub fn generate_id(&self) -> Result<u64> {
        self.run(|c| async move {
            let row = c.query_one("SELECT nextval('kv_ids')", &[]).await?;
            Ok(row.get::<_, i64>(0) as u64)
        })
    }

    pub fn tree_names(&self) -> Vec<IVec> {
        let mut names = self
            .inner
            .opened
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match self.run(|c| async move {
            let rows = c.query("SELECT DISTINCT tree FROM kv", &[]).await?;
            Ok(rows
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect::<Vec<_>>())
        }) {
            Ok(stored) => names.extend(stored),
            Err(e) => tracing::warn!(error = %e, "tree names unknown"),
        }
        names
            .into_iter()
            .map(|n| IVec::from(n.as_bytes()))
            .collect()
    }

    pub fn drop_tree(&self, name: &str) -> Result<bool> {
        self.inner
            .opened
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
        let name = name.to_string();
        self.run(move |c| async move {
            Ok(c.execute("DELETE FROM kv WHERE tree = $1", &[&name])
                .await?
                > 0)
        })
    }

    /// Whether the database answers now (readiness).
    pub fn ping(&self) -> Result<()> {
        self.run(|c| async move { c.batch_execute("SELECT 1").await })
    }

    pub fn pool_status(&self) -> PoolStatus {
        let s = self.inner.pool.status();
        PoolStatus {
            max_size: s.max_size,
            size: s.size,
            available: s.available,
            waiting: s.waiting,
        }
    }
}

/// One tree: the rows of `kv` with `tree = name`.
#[derive(Clone)]
pub struct PgTree {
    db: PgDb,
    name: Arc<str>,
}

const GET: &str = "SELECT value FROM kv WHERE tree = $1 AND key = $2";
const UPSERT: &str = "WITH old AS (SELECT value FROM kv WHERE tree = $1 AND key = $2)
     INSERT INTO kv (tree, key, value) VALUES ($1, $2, $3)
     ON CONFLICT (tree, key) DO UPDATE SET value = excluded.value
     RETURNING (SELECT value FROM old)";
const DELETE: &str = "DELETE FROM kv WHERE tree = $1 AND key = $2 RETURNING value";

impl PgTree {
    pub fn get(&self, key: &[u8]) -> Result<Option<IVec>> {
        let (name, key) = (self.name.clone(), key.to_vec());
        self.db.run(move |c| async move {
            let st = c.prepare_cached(GET).await?;
            let row = c.query_opt(&st, &[&&*name, &key]).await?;
            Ok(row.map(|r| IVec::from(r.get::<_, Vec<u8>>(0))))
        })
    }

    pub fn insert(&self, key: &[u8], value: &[u8]) -> Result<Option<IVec>> {
        let (name, key, value) = (self.name.clone(), key.to_vec(), value.to_vec());
        self.db.run(move |c| async move {
            let st = c.prepare_cached(UPSERT).await?;
            let row = c.query_one(&st, &[&&*name, &key, &value]).await?;
            Ok(row.get::<_, Option<Vec<u8>>>(0).map(IVec::from))
        })
    }

    pub fn remove(&self, key: &[u8]) -> Result<Option<IVec>> {
        let (name, key) = (self.name.clone(), key.to_vec());
        self.db.run(move |c| async move {
            let st = c.prepare_cached(DELETE).await?;
            let row = c.query_opt(&st, &[&&*name, &key]).await?;
            Ok(row.map(|r| IVec::from(r.get::<_, Vec<u8>>(0))))
        })
    }

    pub fn len(&self) -> Result<usize> {
        let name = self.name.clone();
        self.db.run(move |c| async move {
            let row = c
                .query_one("SELECT count(*) FROM kv WHERE tree = $1", &[&&*name])
                .await?;
            Ok(row.get::<_, i64>(0) as usize)
        })
    }

    pub fn is_empty(&self) -> Result<bool> {
        let mut it = self.range(Bound::Unbounded, Bound::Unbounded);
        it.page = 1;
        it.next().transpose().map(|o| o.is_none())
    }

    pub fn clear(&self) -> Result<()> {
        let name = self.name.clone();
        self.db.run(move |c| async move {
            c.execute("DELETE FROM kv WHERE tree = $1", &[&&*name])
                .await
                .map(|_| ())
        })
    }

    pub fn apply_batch(&self, ops: Vec<(IVec, Option<IVec>)>) -> Result<()> {
        let name = self.name.clone();
        self.db.run(move |mut c| async move {
            let tx = c.transaction().await?;
            let upsert = tx.prepare_cached(UPSERT).await?;
            let delete = tx.prepare_cached(DELETE).await?;
            for (k, v) in &ops {
                match v {
                    Some(v) => {
                        tx.execute(&upsert, &[&&*name, &k.as_ref(), &v.as_ref()])
                            .await?
                    }
                    None => tx.execute(&delete, &[&&*name, &k.as_ref()]).await?,
                };
            }
            tx.commit().await
        })
    }

    /// The records with keys between `lo` and `hi`, fetched a page at a time.
    pub fn range(&self, lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> PgIter {
        PgIter {
            tree: self.clone(),
            lo,
            hi,
            front: VecDeque::new(),
            back: VecDeque::new(),
            done: false,
            page: PAGE,
        }
    }
}

/// A lazy, double-ended scan: each end fetches pages inside the bounds not yet consumed.
pub struct PgIter {
    tree: PgTree,
    lo: Bound<Vec<u8>>,
    hi: Bound<Vec<u8>>,
    front: VecDeque<(IVec, IVec)>,
    back: VecDeque<(IVec, IVec)>,
    /// Nothing left in the database between the bounds (only the buffers).
    done: bool,
    page: i64,
}

impl PgIter {
    /// Fetches the next page from one end; answers how many rows came.
    fn fetch(&mut self, forward: bool) -> Result<usize> {
        let mut sql = String::from("SELECT key, value FROM kv WHERE tree = $1");
        let mut params: Vec<Vec<u8>> = Vec::new();
        for (bound, lower) in [(&self.lo, true), (&self.hi, false)] {
            let op = match (bound, lower) {
                (Bound::Included(_), true) => ">=",
                (Bound::Excluded(_), true) => ">",
                (Bound::Included(_), false) => "<=",
                (Bound::Excluded(_), false) => "<",
                (Bound::Unbounded, _) => continue,
            };
            if let Bound::Included(k) | Bound::Excluded(k) = bound {
                params.push(k.clone());
            }
            sql.push_str(&format!(" AND key {op} ${}", params.len() + 1));
        }
        sql.push_str(if forward {
            " ORDER BY key ASC"
        } else {
            " ORDER BY key DESC"
        });
        sql.push_str(&format!(" LIMIT {}", self.page));
        let name = self.tree.name.clone();
        let rows = self.tree.db.run(move |c| async move {
            let st = c.prepare_cached(&sql).await?;
            let tree: &str = &name;
            let mut p: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&tree];
            for k in &params {
                p.push(k);
            }
            let rows = c.query(&st, &p).await?;
            Ok(rows
                .iter()
                .map(|r| {
                    (
                        IVec::from(r.get::<_, Vec<u8>>(0)),
                        IVec::from(r.get::<_, Vec<u8>>(1)),
                    )
                })
                .collect::<Vec<_>>())
        })?;
        let n = rows.len();
        if let Some((last, _)) = rows.last() {
            if forward {
                self.lo = Bound::Excluded(last.to_vec());
            } else {
                self.hi = Bound::Excluded(last.to_vec());
            }
        }
        if (n as i64) < self.page {
            self.done = true;
        }
        if forward {
            self.front.extend(rows);
        } else {
            self.back.extend(rows);
        }
        Ok(n)
    }
}

impl Iterator for PgIter {
    type Item = Result<(IVec, IVec)>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(r) = self.front.pop_front() {
            return Some(Ok(r));
        }
        if !self.done {
            if let Err(e) = self.fetch(true) {
                self.done = true;
                return Some(Err(e));
            }
            if let Some(r) = self.front.pop_front() {
                return Some(Ok(r));
            }
        }
        // The other end's buffer holds the last rows (in descending order).
        self.back.pop_back().map(Ok)
    }
}

impl DoubleEndedIterator for PgIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        if let Some(r) = self.back.pop_front() {
            return Some(Ok(r));
        }
        if !self.done {
            if let Err(e) = self.fetch(false) {
                self.done = true;
                return Some(Err(e));
            }
            if let Some(r) = self.back.pop_front() {
                return Some(Ok(r));
            }
        }
        self.front.pop_back().map(Ok)
    }
}

/// The marker a serialization failure or deadlock carries through [`Error::Database`].
const RETRY: &str = "(retry) ";

/// A connection the pool could not make; a TLS failure says what (the certificate, sslmode).
fn pool_error(e: deadpool_postgres::PoolError, tls: &PgTls) -> Error {
    match e {
        deadpool_postgres::PoolError::Backend(e) => tls.explain(&e).unwrap_or_else(|| pg_error(e)),
        other => Error::Unavailable(other.to_string()),
    }
}

/// Sorts a client error: connection trouble is [`Error::Unavailable`]; a serialization failure
/// or deadlock is marked for a retry; anything else is a database error.
fn pg_error(e: tokio_postgres::Error) -> Error {
    let Some(code) = e.code() else {
        // No SQLSTATE: the connection failed, closed or timed out (the cause says which).
        let mut detail = e.to_string();
        if let Some(cause) = std::error::Error::source(&e) {
            detail = format!("{detail}: {cause}");
        }
        return Error::Unavailable(detail);
    };
    let detail = e
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string());
    if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED {
        return Error::Database(format!("{RETRY}{detail}"));
    }
    // Class 08: connection exception; 57P01-03: shutting down, crashed, starting up; 53300: too
    // many connections.
    if code.code().starts_with("08")
        || code.code().starts_with("57P")
        || *code == SqlState::TOO_MANY_CONNECTIONS
    {
        return Error::Unavailable(detail);
    }
    Error::Database(detail)
}

fn check_identifier(s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(Error::Database(format!(
            "schema name {s:?}: use lowercase letters, digits and _"
        )))
    }
}

fn label(c: &tokio_postgres::Config) -> String {
    let host = match c.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = c.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{host}:{port}/{}",
        c.get_user().unwrap_or("?"),
        c.get_dbname().unwrap_or("?")
    )
}
