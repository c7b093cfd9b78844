//! The engine's facade: the one set of calls the HTTP server, the CLI and the desktop app use.
//! Every call is synchronous (sled and argon2 are blocking; async front ends wrap calls in
//! `spawn_blocking`). The state behind it is the [`Context`]; job changes go through
//! `jobs::write`.

pub mod edit;
mod legacy;
mod plan;
pub mod preview;
pub mod roads;
pub mod streets;
pub mod sync;
pub mod webhooks;

use crate::auth::{self, AccountInfo, CredentialInfo, IssuedToken, NewCredential};
use crate::clock::{Clock, SystemClock};
use crate::context::Context;
use crate::error::{AuthError, EngineError};
use crate::events::EngineEvent;
use crate::import::{self, ImportOutcome};
use crate::jobfile::{self, FileReport, JobFileError};
use crate::jobs::write::Origin;
use crate::jobs::{self, JobPage, JobQuery, JobRef, JobView};
use crate::settings::Settings;
use crate::store::Store;
use routemate_core::geocode::Geocoder;
use routemate_core::model::{ImportRequest, StopStatus};
use routemate_core::validate::parse_import;
use std::path::PathBuf;
use std::sync::Arc;

/// What the engine is given: where its data lives, the clock, the geocoder.
pub struct EngineConfig {
    /// The data directory (the desktop passes the app data dir; the CLI `--data`).
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// `None` places only stops that carry coordinates.
    pub geocoder: Option<Arc<dyn Geocoder>>,
}

impl EngineConfig {
    /// The real clock and no geocoder.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        EngineConfig {
            data_dir: data_dir.into(),
            clock: Arc::new(SystemClock),
            geocoder: None,
        }
    }
}

/// The engine. Cheap to clone; all clones share one [`Context`].
#[derive(Clone)]
pub struct Api {
    ctx: Context,
}

impl Api {
    /// Opens the store under `config.data_dir` (exclusively: a second process gets
    /// [`EngineError::StoreLocked`]).
    pub fn open(config: EngineConfig) -> Result<Api, EngineError> {
        let store = Store::open(&config.data_dir)?;
        Api::on_store(store, config)
    }

    /// Opens the store in the PostgreSQL database at `url` (`postgres://user@host:port/db`),
    /// applying the schema migrations it lacks; several processes may share it (the hosted API).
    /// `config.data_dir` still holds this process's local files. An unreachable database is
    /// [`EngineError::StoreUnavailable`].
    pub fn open_database(config: EngineConfig, url: &str) -> Result<Api, EngineError> {
        let opts = crate::store::kv::postgres::PgOptions {
            url: url.to_string(),
            schema: None,
        };
        let store = Store::open_postgres(&opts, &config.data_dir)?;
        Api::on_store(store, config)
    }

    fn on_store(store: Store, config: EngineConfig) -> Result<Api, EngineError> {
        crate::job_index::migrate(&store)?; // build the list index of stores from before it
        let given = config.geocoder.clone();
        let ctx = Context::new(store, config.clock, config.geocoder, config.data_dir);
        if let Some(g) = given {
            legacy::hand_over_pins(&ctx, g.as_ref())?;
        }
        Ok(Api { ctx })
    }

    /// The shared state, for the engine's other entry points (job files, the watched folder).
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.ctx.data_dir()
    }

    /// Replaces the geocoder (e.g. once the desktop has opened its stack). Pins an older version
    /// kept in the engine's store are handed over to it first, once.
    pub fn set_geocoder(&self, geocoder: Arc<dyn Geocoder>) {
        if let Err(e) = legacy::hand_over_pins(&self.ctx, geocoder.as_ref()) {
            tracing::warn!(error = %e, "old pins not handed over; will retry at the next start");
        }
        self.ctx.set_geocoder(geocoder);
    }

    pub fn geocoder(&self) -> Arc<dyn Geocoder> {
        self.ctx.geocoder()
    }

    /// How many distinct file contents the watched folder has imported (its dedupe ledger).
    pub fn watch_ledger_len(&self) -> Result<usize, EngineError> {
        Ok(crate::watch::Ledger::open(self.ctx.store())?.len())
    }

    /// The store: its health, free-space checks and backups (`store::backup`).
    pub fn store(&self) -> &Store {
        self.ctx.store()
    }

    /// Makes every write durable.
    pub fn flush(&self) -> Result<(), EngineError> {
        self.ctx.store().flush()
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<EngineEvent> {
        self.ctx.subscribe()
    }

    // ---- jobs -------------------------------------------------------------------------------

    /// Imports a validated job (the one import call every front end uses).
    pub fn import(&self, account: &str, req: ImportRequest) -> Result<ImportOutcome, EngineError> {
        // Refused on a full or failed disk before anything is written (store::space, Health).
        self.ctx
            .store()
            .guard(0, || import::import(&self.ctx, account, req, Origin::Local))
    }

    /// Validates an untyped body, then imports it.
    pub fn import_value(
        &self,
        account: &str,
        body: &serde_json::Value,
    ) -> Result<ImportOutcome, EngineError> {
        let req = parse_import(body).map_err(EngineError::Invalid)?;
        self.import(account, req)
    }

    /// Reads, parses and imports a job file (CSV or JSON; see [`jobfile`] for the rules), job by
    /// job. A file with any problem is refused whole with every problem named.
    pub fn import_file(
        &self,
        account: &str,
        path: &std::path::Path,
    ) -> Result<FileReport, JobFileError> {
        jobfile::import_file(&self.ctx, account, path)
    }

    /// [`Api::import_file`] for content already in memory (a dropped file, the sample job).
    pub fn import_file_bytes(
        &self,
        account: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<FileReport, JobFileError> {
        jobfile::import_bytes(&self.ctx, account, name, bytes)
    }

    pub fn job(&self, account: &str, job: &JobRef) -> Result<JobView, EngineError> {
        Ok(jobs::find(self.ctx.store(), account, job)?.view())
    }

    pub fn list_jobs(&self, account: &str, q: &JobQuery) -> Result<JobPage, EngineError> {
        jobs::list(self.ctx.store(), account, q)
    }

    /// Records a stop's progress; the job status follows from the stop statuses. The note is at
    /// most `routemate_core::validate::MAX_TEXT_LEN` characters.
    pub fn set_stop_status(
        &self,
        account: &str,
        job_id: &str,
        external_stop_id: &str,
        status: StopStatus,
        note: Option<String>,
    ) -> Result<JobView, EngineError> {
        jobs::set_stop_status(
            &self.ctx,
            account,
            job_id,
            external_stop_id,
            status,
            note,
            jobs::write::Origin::Local,
        )
        .map(|j| j.view())
    }

    // ---- credentials and tokens -------------------------------------------------------------

    pub fn create_credential(
        &self,
        account: &str,
        name: &str,
    ) -> Result<NewCredential, EngineError> {
        auth::create_credential(self.ctx.store(), self.ctx.clock(), account, name)
    }

    pub fn list_credentials(
        &self,
        account: Option<&str>,
    ) -> Result<Vec<CredentialInfo>, EngineError> {
        auth::list_credentials(self.ctx.store(), account)
    }

    /// Revokes a credential; its tokens stop working at once in this process, and within
    /// [`auth::TOKEN_CACHE_FRESH`] in other processes on the same database. With `account`, only
    /// that account's credentials can be revoked.
    pub fn revoke_credential(
        &self,
        account: Option<&str>,
        client_id: &str,
    ) -> Result<(), EngineError> {
        let revoked =
            auth::revoke_credential(self.ctx.store(), self.ctx.clock(), account, client_id);
        self.ctx.token_cache().clear();
        revoked
    }

    // ---- accounts ---------------------------------------------------------------------------

    /// Every account the store knows, with its credentials, jobs and webhook subscriptions
    /// counted and whether it is disabled.
    pub fn list_accounts(&self) -> Result<Vec<AccountInfo>, EngineError> {
        auth::accounts::list(self.ctx.store())
    }

    /// Disables an account: from now on every token of it is refused (by other processes on the
    /// same database within [`auth::TOKEN_CACHE_FRESH`]), and its credentials get no new token.
    /// Nothing is deleted.
    pub fn disable_account(
        &self,
        account: &str,
        reason: Option<&str>,
    ) -> Result<AccountInfo, EngineError> {
        let line =
            auth::accounts::set_disabled(self.ctx.store(), self.ctx.clock(), account, true, reason);
        // This process's trusted tokens are forgotten (another process's within seconds).
        self.ctx.token_cache().clear();
        line
    }

    /// Enables a disabled account again: its unexpired tokens work again.
    pub fn enable_account(&self, account: &str) -> Result<AccountInfo, EngineError> {
        auth::accounts::set_disabled(self.ctx.store(), self.ctx.clock(), account, false, None)
    }

    /// Exchanges client credentials for a one-hour bearer token. `peer` (the remote address)
    /// feeds the failure rate limit.
    pub fn issue_token(
        &self,
        client_id: &str,
        client_secret: &str,
        peer: Option<&str>,
    ) -> Result<IssuedToken, EngineError> {
        let c = &self.ctx;
        auth::issue_token(
            c.store(),
            c.clock(),
            c.limiter(),
            client_id,
            client_secret,
            peer,
        )
    }

    /// The account a bearer token belongs to.
    pub fn authenticate(&self, token: &str) -> Result<String, AuthError> {
        let c = &self.ctx;
        auth::authenticate(c.store(), c.clock(), c.token_cache(), token)
    }

    // ---- settings ---------------------------------------------------------------------------

    pub fn settings(&self) -> Result<Settings, EngineError> {
        Settings::load(self.ctx.store())
    }

    pub fn update_settings(&self, settings: Settings) -> Result<Settings, EngineError> {
        settings.validate()?;
        settings.save(self.ctx.store())?;
        self.ctx.emit(EngineEvent::SettingsChanged);
        Ok(settings)
    }
}

impl From<Api> for Context {
    fn from(api: Api) -> Context {
        api.ctx
    }
}

impl From<&Api> for Context {
    fn from(api: &Api) -> Context {
        api.ctx.clone()
    }
}
