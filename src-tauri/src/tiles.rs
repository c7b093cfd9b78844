//! Map tiles through the `tiles://` protocol: served from the local cache when present, fetched
//! from the configured tile URL when online (and cached), so areas seen once still show offline.
//! When neither works the UI's bundled basemap shows through.
//!
//! Tiles are fetched over https only (plain http only from a server on this machine), a tile
//! larger than [`MAX_TILE_BYTES`] is refused, and the cache is kept under its size limit by
//! deleting the longest-cached tiles ([`evict`]).

mod evict;

use crate::commands::UiError;
use routemate_geocode::remote::{self, RemoteError};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// After a failed fetch, stay offline this long before trying the network again.
const OFFLINE_BACKOFF: Duration = Duration::from_secs(30);
const MAX_ZOOM: u32 = 19;
/// A map tile is tens of kilobytes (a retina or aerial one a few hundred); anything past this is
/// not a tile.
pub const MAX_TILE_BYTES: usize = 2 * 1024 * 1024;
/// The tile cache's default size limit.
pub const DEFAULT_CACHE_LIMIT: u64 = 256 * 1024 * 1024;

/// Why a tile could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum TileFetchError {
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error("tile server: {0}")]
    Http(#[from] reqwest::Error),
}

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
    /// Size limit of the cache directory, in bytes.
    limit: u64,
    /// Bytes written since the last sweep, and whether this process swept yet.
    written: AtomicU64,
    swept: AtomicBool,
}

impl TileCache {
    /// A cache in `dir` with the default size limit.
    pub fn new(dir: PathBuf) -> TileCache {
        Self::with_limit(dir, DEFAULT_CACHE_LIMIT)
    }

    /// A cache in `dir` that keeps itself under `limit` bytes.
    pub fn with_limit(dir: PathBuf, limit: u64) -> TileCache {
        // reqwest is built without a TLS provider: ring is ours (the updater's too). Installing
        // twice is harmless (the first one stays).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("RouteMate-Desktop/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(8))
            .redirect(remote::redirect_policy(false))
            .build()
            .unwrap_or_default();
        TileCache {
            dir,
            client,
            offline_until: Mutex::new(None),
            limit,
            written: AtomicU64::new(0),
            swept: AtomicBool::new(false),
        }
    }

    fn path(&self, k: TileKey) -> PathBuf {
        self.dir
            .join(k.z.to_string())
            .join(k.x.to_string())
            .join(format!("{}.png", k.y))
    }

    /// The tile's PNG bytes: cached, else fetched from `template` (an https URL, or http to
    /// this machine) and cached.
    pub async fn get(&self, k: TileKey, template: Option<&str>) -> Option<Vec<u8>> {
        let path = self.path(k);
        if let Ok(bytes) = tokio::fs::read(&path).await {
            return Some(bytes);
        }
        let url = k.url(template?);
        if let Err(e) = remote::check_url(&url, false) {
            // A settings problem, not a network one: no back-off, the next tile says it again.
            tracing::warn!(code = e.code(), error = %e, "tile URL refused");
            return None;
        }
        if self
            .offline_until
            .lock()
            .ok()?
            .is_some_and(|t| Instant::now() < t)
        {
            return None;
        }
        match self.fetch(&url).await {
            Ok(bytes) => {
                if let Some(parent) = path.parent() {
                    let _ = tokio::fs::create_dir_all(parent).await;
                }
                match tokio::fs::write(&path, &bytes).await {
                    Ok(()) => self.written(bytes.len() as u64).await,
                    Err(e) => tracing::warn!(error = %e, "tile not cached"),
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

    /// Downloads one tile, refusing plain http to other machines and bodies over
    /// [`MAX_TILE_BYTES`] (read no further than the cap).
    async fn fetch(&self, url: &str) -> Result<Vec<u8>, TileFetchError> {
        remote::check_url(url, false)?;
        let mut resp = self.client.get(url).send().await?.error_for_status()?;
        let limit = MAX_TILE_BYTES;
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(RemoteError::TooLarge { limit }.into());
        }
        let mut out = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if out.len() + chunk.len() > limit {
                return Err(RemoteError::TooLarge { limit }.into());
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// Counts a written tile; sweeps the cache on the first write of the process and after
    /// every eighth of the limit written since.
    async fn written(&self, bytes: u64) {
        let since = self.written.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let first = !self.swept.swap(true, Ordering::Relaxed);
        if first || since >= self.limit / 8 {
            self.written.store(0, Ordering::Relaxed);
            let (dir, limit) = (self.dir.clone(), self.limit);
            if let Err(e) = tokio::task::spawn_blocking(move || evict::sweep(&dir, limit)).await {
                tracing::warn!(error = %e, "tile cache sweep failed");
            }
        }
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

    /// A loopback tile server: every request gets `head`, then `body` bytes (written until the
    /// client hangs up). Returns the URL template.
    fn server(head: &'static str, body: usize) -> String {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/{{z}}/{{x}}/{{y}}.png",
            listener.local_addr().unwrap()
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 2 {
                    line.clear();
                }
                let _ = stream.write_all(head.as_bytes());
                let chunk = vec![7u8; body.min(64 * 1024)];
                let mut sent = 0;
                while sent < body
                    && stream
                        .write_all(&chunk[..chunk.len().min(body - sent)])
                        .is_ok()
                {
                    sent += chunk.len().min(body - sent);
                }
            }
        });
        url
    }

    #[tokio::test]
    async fn a_huge_tile_is_cut_off_at_the_cap_and_not_cached() {
        let url = server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 16 << 20);
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(dir.path().to_path_buf());
        let k = TileKey { z: 1, x: 1, y: 0 };
        let e = cache.fetch(&k.url(&url)).await.unwrap_err();
        assert!(
            matches!(
                e,
                TileFetchError::Remote(RemoteError::TooLarge {
                    limit: MAX_TILE_BYTES
                })
            ),
            "{e}"
        );
        assert_eq!(cache.get(k, Some(&url)).await, None);
        assert_eq!(cache.info().unwrap().tiles, 0);
    }

    #[tokio::test]
    async fn plain_http_tile_servers_on_other_hosts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(dir.path().to_path_buf());
        let e = cache
            .fetch("http://tile.example.org/1/1/0.png")
            .await
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("https://") && msg.contains("tile.example.org"),
            "{msg}"
        );
        let k = TileKey { z: 1, x: 1, y: 0 };
        let template = "http://tile.example.org/{z}/{x}/{y}.png";
        assert_eq!(cache.get(k, Some(template)).await, None);
        // A refused URL is a settings problem, not an outage: no offline back-off.
        assert!(cache.offline_until.lock().unwrap().is_none());
    }

    #[tokio::test]
    async fn the_cache_stays_within_its_size_limit() {
        let url = server(
            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 400\r\n\
             Connection: close\r\n\r\n",
            400,
        );
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::with_limit(dir.path().to_path_buf(), 1_000);
        for x in 0..6 {
            let k = TileKey { z: 3, x, y: 1 };
            let tile = cache.get(k, Some(&url)).await;
            assert_eq!(tile.map(|t| t.len()), Some(400), "tile {x}");
            let info = cache.info().unwrap();
            assert!(info.bytes <= 1_000, "after tile {x}: {info:?}");
        }
        // The newest tile is still cached.
        assert!(dir.path().join("3/5/1.png").exists());
    }
}
