//! Map tiles through the `tiles://` protocol: served from the local cache when present, fetched
//! from the configured tile URL when online (and cached), so areas seen once still show offline.
//! When neither works the UI's bundled basemap shows through.

use crate::commands::UiError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// After a failed fetch, stay offline this long before trying the network again.
const OFFLINE_BACKOFF: Duration = Duration::from_secs(30);
const MAX_ZOOM: u32 = 19;

/// One tile address, validated (no path tricks reach the file system).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileKey {
    pub z: u32,
    pub x: u32,
    pub y: u32,
}

impl TileKey {
    /// Parses `/{z}/{x}/{y}.png`.
    pub fn parse(path: &str) -> Option<TileKey> {
        let mut parts = path.trim_start_matches('/').split('/');
        let z: u32 = parts.next()?.parse().ok()?;
        let x: u32 = parts.next()?.parse().ok()?;
        let y: u32 = parts.next()?.strip_suffix(".png")?.parse().ok()?;
        let n = 1u64 << z.min(MAX_ZOOM);
        (parts.next().is_none() && z <= MAX_ZOOM && (x as u64) < n && (y as u64) < n)
            .then_some(TileKey { z, x, y })
    }

    fn url(&self, template: &str) -> String {
        template
            .replace("{z}", &self.z.to_string())
            .replace("{x}", &self.x.to_string())
            .replace("{y}", &self.y.to_string())
            .replace("{s}", "a")
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TileCacheInfo {
    pub dir: String,
    pub tiles: u64,
    pub bytes: u64,
}

pub struct TileCache {
    dir: PathBuf,
    client: reqwest::Client,
    offline_until: Mutex<Option<Instant>>,
}

impl TileCache {
    pub fn new(dir: PathBuf) -> TileCache {
        // reqwest is built without a TLS provider: ring is ours (the updater's too). Installing
        // twice is harmless (the first one stays).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("RouteMate-Desktop/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(8))
            .build()
            .unwrap_or_default();
        TileCache {
            dir,
            client,
            offline_until: Mutex::new(None),
        }
    }

    fn path(&self, k: TileKey) -> PathBuf {
        self.dir
            .join(k.z.to_string())
            .join(k.x.to_string())
            .join(format!("{}.png", k.y))
    }

    /// The tile's PNG bytes: cached, else fetched from `template` (an https URL) and cached.
    pub async fn get(&self, k: TileKey, template: Option<&str>) -> Option<Vec<u8>> {
        let path = self.path(k);
        if let Ok(bytes) = tokio::fs::read(&path).await {
            return Some(bytes);
        }
        let template =
            template.filter(|t| t.starts_with("https://") || t.starts_with("http://"))?;
        if self
            .offline_until
            .lock()
            .ok()?
            .is_some_and(|t| Instant::now() < t)
        {
            return None;
        }
        match self.fetch(&k.url(template)).await {
            Ok(bytes) => {
                if let Some(parent) = path.parent() {
                    let _ = tokio::fs::create_dir_all(parent).await;
                }
                if let Err(e) = tokio::fs::write(&path, &bytes).await {
                    tracing::warn!(error = %e, "tile not cached");
                }
                Some(bytes)
            }
            Err(e) => {
                tracing::debug!(error = %e, "tile fetch failed; offline for a while");
                *self.offline_until.lock().ok()? = Some(Instant::now() + OFFLINE_BACKOFF);
                None
            }
        }
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, reqwest::Error> {
        let resp = self.client.get(url).send().await?.error_for_status()?;
        Ok(resp.bytes().await?.to_vec())
    }

    pub fn info(&self) -> Result<TileCacheInfo, UiError> {
        let (tiles, bytes) = walk(&self.dir);
        Ok(TileCacheInfo {
            dir: self.dir.display().to_string(),
            tiles,
            bytes,
        })
    }

    pub fn clear(&self) -> Result<TileCacheInfo, UiError> {
        match std::fs::remove_dir_all(&self.dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(UiError::new(
                    "io_error",
                    format!("cannot clear the tile cache: {e}"),
                ))
            }
        }
        self.info()
    }
}

fn walk(dir: &Path) -> (u64, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    entries
        .filter_map(|e| e.ok())
        .fold((0, 0), |(n, b), e| match e.file_type() {
            Ok(t) if t.is_dir() => {
                let (n2, b2) = walk(&e.path());
                (n + n2, b + b2)
            }
            Ok(_) => (n + 1, b + e.metadata().map(|m| m.len()).unwrap_or(0)),
            Err(_) => (n, b),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_are_parsed_strictly() {
        assert_eq!(
            TileKey::parse("/3/2/5.png"),
            Some(TileKey { z: 3, x: 2, y: 5 })
        );
        assert_eq!(TileKey::parse("/3/8/1.png"), None, "x beyond 2^z");
        assert_eq!(TileKey::parse("/../../etc/passwd"), None);
        assert_eq!(TileKey::parse("/3/2/5.jpg"), None);
        assert_eq!(TileKey::parse("/3/2/5.png/x"), None);
        assert_eq!(TileKey::parse("/25/0/0.png"), None, "zoom beyond 19");
    }

    #[tokio::test]
    async fn cached_tiles_are_served_without_network() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(dir.path().to_path_buf());
        let k = TileKey { z: 1, x: 1, y: 0 };
        assert_eq!(cache.get(k, None).await, None);
        std::fs::create_dir_all(dir.path().join("1/1")).unwrap();
        std::fs::write(dir.path().join("1/1/0.png"), b"png").unwrap();
        assert_eq!(cache.get(k, None).await.as_deref(), Some(&b"png"[..]));
        assert_eq!(cache.info().unwrap().tiles, 1);
        assert_eq!(cache.clear().unwrap().tiles, 0);
    }
}
