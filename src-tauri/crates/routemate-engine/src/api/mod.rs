//! The engine's facade: the one set of calls the HTTP server, the CLI, the watched folder and the
//! desktop app use. Every call is synchronous (sled and argon2 are blocking; async front ends
//! wrap calls in `spawn_blocking`).

pub mod edit;

use crate::auth::{self, CredentialInfo, FailureLimiter, IssuedToken, NewCredential};
use crate::clock::{Clock, SystemClock};
use crate::error::{AuthError, EngineError};
use crate::events::{EngineEvent, EventBus};
use crate::import::{self, ImportOutcome};
use crate::jobs::{self, JobPage, JobQuery, JobRef, JobView};
use crate::settings::Settings;
use crate::store::Store;
use routemate_core::geocode::{Geocoder, NoGeocoder};
use routemate_core::model::{ImportRequest, StopStatus};
use routemate_core::validate::parse_import;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

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

const IMPORT_STRIPES: usize = 64;

pub(crate) struct Inner {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    geocoder: RwLock<Arc<dyn Geocoder>>,
    pub limiter: FailureLimiter,
    pub events: EventBus,
    import_stripes: Vec<Mutex<()>>,
    pub data_dir: PathBuf,
}

impl Inner {
    /// Serialises imports of the same natural key (and, rarely, unrelated keys sharing a stripe).
    pub fn import_lock(&self, key: &[u8]) -> MutexGuard<'_, ()> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        let stripe = &self.import_stripes[(h.finish() as usize) % IMPORT_STRIPES];
        stripe.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn geocoder(&self) -> Arc<dyn Geocoder> {
        self.geocoder
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The engine. Cheap to clone; all clones share one store.
#[derive(Clone)]
pub struct Api {
    pub(crate) inner: Arc<Inner>,
}

impl Api {
    /// Opens the store under `config.data_dir` (exclusively: a second process gets
    /// [`EngineError::StoreLocked`]).
    pub fn open(config: EngineConfig) -> Result<Api, EngineError> {
        let store = Store::open(&config.data_dir)?;
        crate::job_index::migrate(&store)?; // job_index hook: build the list index of old stores
        Ok(Api {
            inner: Arc::new(Inner {
                store,
                clock: config.clock,
                geocoder: RwLock::new(config.geocoder.unwrap_or_else(|| Arc::new(NoGeocoder))),
                limiter: FailureLimiter::default(),
                events: EventBus::default(),
                import_stripes: (0..IMPORT_STRIPES).map(|_| Mutex::new(())).collect(),
                data_dir: config.data_dir,
            }),
        })
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.inner.data_dir
    }

    /// Replaces the geocoder (e.g. when the dispatcher enables the online backend).
    pub fn set_geocoder(&self, geocoder: Arc<dyn Geocoder>) {
        *self
            .inner
            .geocoder
            .write()
            .unwrap_or_else(|e| e.into_inner()) = geocoder;
    }

    pub fn geocoder(&self) -> Arc<dyn Geocoder> {
        self.inner.geocoder()
    }

    /// A named tree for modules with records of their own (geocode cache, watch journal).
    pub fn tree(&self, name: &str) -> Result<sled::Tree, EngineError> {
        self.inner.store.tree(name)
    }

    /// Makes every write durable.
    pub fn flush(&self) -> Result<(), EngineError> {
        self.inner.store.flush()
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<EngineEvent> {
        self.inner.events.subscribe()
    }

    // ---- jobs -------------------------------------------------------------------------------

    /// Imports a validated job (the one import call every front end uses).
    pub fn import(&self, account: &str, req: ImportRequest) -> Result<ImportOutcome, EngineError> {
        import::import(&self.inner, account, req)
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

    pub fn job(&self, account: &str, job: &JobRef) -> Result<JobView, EngineError> {
        Ok(jobs::find(&self.inner.store, account, job)?.view())
    }

    pub fn list_jobs(&self, account: &str, q: &JobQuery) -> Result<JobPage, EngineError> {
        jobs::list(&self.inner.store, account, q)
    }

    /// Records a stop's progress; the job status follows from the stop statuses.
    pub fn set_stop_status(
        &self,
        account: &str,
        job_id: &str,
        external_stop_id: &str,
        status: StopStatus,
        note: Option<String>,
    ) -> Result<JobView, EngineError> {
        let store = &self.inner.store;
        let mut job = jobs::find(store, account, &JobRef::Id(job_id.to_string()))?;
        let _guard = self
            .inner
            .import_lock(&crate::store::key2(account, &job.external_job_id));
        // Re-read under the lock so a concurrent re-import is not overwritten.
        job = jobs::find(store, account, &JobRef::Id(job_id.to_string()))?;
        let stop = job
            .stops
            .iter_mut()
            .find(|s| s.external_stop_id == external_stop_id)
            .ok_or_else(|| {
                EngineError::not_found(format!("stop {external_stop_id} in job {job_id}"))
            })?;
        if stop.status == status && stop.status_note == note {
            return Ok(job.view());
        }
        stop.status = status;
        stop.status_note = note;
        job.updated_at = self.inner.clock.now();
        job.revision += 1;
        crate::job_index::store_job(store, &job)?; // job_index hook: job + list row together
        store.flush()?;
        self.inner.events.emit(EngineEvent::StopStatusChanged {
            account: account.into(),
            job_id: job.job_id.clone(),
            external_stop_id: external_stop_id.into(),
        });
        Ok(job.view())
    }

    // ---- credentials and tokens -------------------------------------------------------------

    pub fn create_credential(
        &self,
        account: &str,
        name: &str,
    ) -> Result<NewCredential, EngineError> {
        auth::create_credential(&self.inner.store, self.inner.clock.as_ref(), account, name)
    }

    pub fn list_credentials(
        &self,
        account: Option<&str>,
    ) -> Result<Vec<CredentialInfo>, EngineError> {
        auth::list_credentials(&self.inner.store, account)
    }

    /// Revokes a credential; its tokens stop working at once. With `account`, only that
    /// account's credentials can be revoked.
    pub fn revoke_credential(
        &self,
        account: Option<&str>,
        client_id: &str,
    ) -> Result<(), EngineError> {
        auth::revoke_credential(
            &self.inner.store,
            self.inner.clock.as_ref(),
            account,
            client_id,
        )
    }

    /// Exchanges client credentials for a one-hour bearer token. `peer` (the remote address)
    /// feeds the failure rate limit.
    pub fn issue_token(
        &self,
        client_id: &str,
        client_secret: &str,
        peer: Option<&str>,
    ) -> Result<IssuedToken, EngineError> {
        let i = &self.inner;
        auth::issue_token(
            &i.store,
            i.clock.as_ref(),
            &i.limiter,
            client_id,
            client_secret,
            peer,
        )
    }

    /// The account a bearer token belongs to.
    pub fn authenticate(&self, token: &str) -> Result<String, AuthError> {
        auth::authenticate(&self.inner.store, self.inner.clock.as_ref(), token)
    }

    // ---- settings ---------------------------------------------------------------------------

    pub fn settings(&self) -> Result<Settings, EngineError> {
        Settings::load(&self.inner.store)
    }

    pub fn update_settings(&self, settings: Settings) -> Result<Settings, EngineError> {
        settings.validate()?;
        settings.save(&self.inner.store)?;
        self.inner.events.emit(EngineEvent::SettingsChanged);
        Ok(settings)
    }
}
