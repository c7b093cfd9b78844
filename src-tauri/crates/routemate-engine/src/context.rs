//! The engine's shared state: the store, the clock, the geocoder, the event bus, the import locks
//! and the auth rate limiter. One [`Context`] is built by [`crate::Api::open`]; the facade, the
//! import pipeline, the job write path, job files and the watched folder all take it, so none of
//! them reaches into another's internals.

use crate::auth::FailureLimiter;
use crate::clock::Clock;
use crate::events::{EngineEvent, EventBus};
use crate::store::Store;
use chrono::{DateTime, Utc};
use routemate_core::geocode::{Geocoder, NoGeocoder};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// Lock stripes for imports and edits: enough that unrelated jobs rarely share one.
const IMPORT_STRIPES: usize = 64;

/// The engine's shared state. Cheap to clone; all clones share one store.
#[derive(Clone)]
pub struct Context {
    inner: Arc<Shared>,
}

struct Shared {
    store: Store,
    clock: Arc<dyn Clock>,
    geocoder: RwLock<Arc<dyn Geocoder>>,
    limiter: FailureLimiter,
    tokens: crate::auth::TokenCache,
    events: EventBus,
    job_stripes: Vec<Mutex<()>>,
    data_dir: PathBuf,
    roads: crate::travel::PackSlot,
}

impl Context {
    pub(crate) fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        geocoder: Option<Arc<dyn Geocoder>>,
        data_dir: PathBuf,
    ) -> Context {
        Context {
            inner: Arc::new(Shared {
                store,
                clock,
                geocoder: RwLock::new(geocoder.unwrap_or_else(|| Arc::new(NoGeocoder))),
                limiter: FailureLimiter::default(),
                tokens: crate::auth::TokenCache::default(),
                events: EventBus::default(),
                job_stripes: (0..IMPORT_STRIPES).map(|_| Mutex::new(())).collect(),
                data_dir,
                roads: Default::default(),
            }),
        }
    }

    /// The time now, by the clock the engine was given.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// The geocoder in use now (it can be replaced while the engine runs).
    pub fn geocoder(&self) -> Arc<dyn Geocoder> {
        self.inner
            .geocoder
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_geocoder(&self, geocoder: Arc<dyn Geocoder>) {
        *self
            .inner
            .geocoder
            .write()
            .unwrap_or_else(|e| e.into_inner()) = geocoder;
    }

    /// Travel costs for planning: the road pack under the data dir (`roads/car.pack`, reloaded
    /// when its file changes) where it covers the points, else the straight-line estimate of
    /// `settings`. One call for every planner: `ctx.travel_costs(&settings).matrix(&points)`.
    pub fn travel_costs(
        &self,
        settings: &crate::settings::Settings,
    ) -> Arc<dyn crate::travel::TravelCosts> {
        let fallback = crate::travel::StraightLine {
            road_factor: settings.road_factor,
            speed_kmh: settings.average_speed_kmh,
        };
        match self.road_pack() {
            Some(pack) => Arc::new(crate::travel::RoadCosts { pack, fallback }),
            None => Arc::new(fallback),
        }
    }

    /// The loaded road pack, if one was imported into the data dir.
    pub fn road_pack(&self) -> Option<Arc<routemate_roads::RoadPack>> {
        self.inner.roads.get(&self.inner.data_dir)
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn limiter(&self) -> &FailureLimiter {
        &self.inner.limiter
    }

    /// Tokens resolved a moment ago (`auth::token_cache`).
    pub(crate) fn token_cache(&self) -> &crate::auth::TokenCache {
        &self.inner.tokens
    }

    pub(crate) fn emit(&self, event: EngineEvent) {
        self.inner.events.emit(event);
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<EngineEvent> {
        self.inner.events.subscribe()
    }

    /// Serialises writes to one job: imports and edits of the same (account, external_job_id)
    /// (and, rarely, unrelated keys sharing a stripe).
    pub(crate) fn job_lock(&self, key: &[u8]) -> MutexGuard<'_, ()> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        let stripe = &self.inner.job_stripes[(h.finish() as usize) % IMPORT_STRIPES];
        stripe.lock().unwrap_or_else(|e| e.into_inner())
    }
}
