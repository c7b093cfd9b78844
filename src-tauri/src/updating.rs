//! Updates for real (tauri-plugin-updater 2): check the endpoint, download the package with
//! progress (`updates://progress`), verify its minisign signature against RouteMate's public key,
//! install it, and offer a restart. The dispatcher reads what happened in words: "offline" only
//! when the endpoint cannot be reached, a misconfiguration said as such, a package that fails
//! the signature check refused (nothing installed, the app keeps running).
//!
//! The endpoint and key come from `tauri.conf.json` (`plugins.updater`); for tests and staging
//! `ROUTEMATE_UPDATE_ENDPOINT` and `ROUTEMATE_UPDATE_PUBKEY` (read once at start) replace them.
//! An endpoint must be `https://`; plain `http://` only to this machine (127.0.0.1, ::1,
//! localhost), and only in a debug build (the plugin refuses it in release builds).
//!
//! Installing depends on how this copy was installed: from a `.deb`/`.rpm` the plugin runs the
//! package manager (with the system's administrator prompt, pkexec); a copy built from source
//! (no bundle type) is never overwritten: the verified package is saved under the cache folder
//! and the dispatcher told to install it with the package manager.

use base64::Engine as _;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tauri::utils::config::BundleType;
use tauri::{AppHandle, Emitter, Runtime, Url};
use tauri_plugin_updater::{Error as UpdaterError, Update, Updater, UpdaterExt};

/// Replaces `plugins.updater.endpoints` (one URL; `{{target}}`, `{{arch}}`,
/// `{{current_version}}` are filled in as in the config).
pub const ENDPOINT_ENV: &str = "ROUTEMATE_UPDATE_ENDPOINT";
/// Replaces `plugins.updater.pubkey`: the public key as `tauri signer generate` prints it
/// (the base64 text of the `.pub` file).
pub const PUBKEY_ENV: &str = "ROUTEMATE_UPDATE_PUBKEY";
/// The UI event carrying an [`UpdateProgress`].
pub const PROGRESS_EVENT: &str = "updates://progress";

/// How long a connection attempt and a silent read may take before the server counts as
/// unreachable (a slow download that keeps sending is never cut off).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// "Check for updates" in words.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateStatus {
    UpToDate {
        current: String,
    },
    Available {
        current: String,
        version: String,
        notes: Option<String>,
    },
    /// The update server could not be reached (no network, DNS, refused, timed out).
    Offline {
        message: String,
    },
    /// This installation's update settings are wrong (endpoint, public key).
    Misconfigured {
        message: String,
    },
    /// The server answered, but not with a usable release.
    Failed {
        message: String,
    },
}

/// Where an update is while it is being fetched and installed.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UpdateProgress {
    /// "downloading", "verifying" or "installing".
    pub phase: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub downloaded: u64,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub total: Option<u64>,
}

/// What "Download and install" did.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum InstallOutcome {
    /// Verified and installed by the package manager: a restart runs the new version.
    Installed { version: String },
    /// Verified, but this copy was not installed from a package (a build from source), so the
    /// package was saved for the package manager instead of overwriting anything.
    Saved { version: String, path: String },
}

/// Why an update could not be checked or installed (the UI's error `code` and message).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UpdateProblem {
    #[error("{0}")]
    Offline(String),
    #[error("{0}")]
    Misconfigured(String),
    /// The package failed the signature check: nothing was installed.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Failed(String),
}

impl UpdateProblem {
    pub fn code(&self) -> &'static str {
        match self {
            UpdateProblem::Offline(_) => "update_offline",
            UpdateProblem::Misconfigured(_) => "update_misconfigured",
            UpdateProblem::Refused(_) => "update_refused",
            UpdateProblem::Failed(_) => "update_failed",
        }
    }

    fn into_status(self) -> UpdateStatus {
        match self {
            UpdateProblem::Offline(message) => UpdateStatus::Offline { message },
            UpdateProblem::Misconfigured(message) => UpdateStatus::Misconfigured { message },
            UpdateProblem::Refused(message) | UpdateProblem::Failed(message) => {
                UpdateStatus::Failed { message }
            }
        }
    }
}

/// The endpoint/key override read at start, and whether an install is under way.
#[derive(Debug)]
pub struct Updating {
    /// The override (`None`s: the config's), or why the override is unusable.
    source: Result<Source, String>,
    busy: AtomicBool,
    /// Where a verified package is kept when this copy cannot be updated in place.
    save_dir: PathBuf,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Source {
    endpoint: Option<Url>,
    pubkey: Option<String>,
}

impl Updating {
    /// Reads [`ENDPOINT_ENV`] and [`PUBKEY_ENV`] (empty counts as unset); a bad value is kept as
    /// a misconfiguration that every check reports.
    pub fn from_env(save_dir: PathBuf) -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self::new(var(ENDPOINT_ENV), var(PUBKEY_ENV), save_dir)
    }

    pub fn new(endpoint: Option<String>, pubkey: Option<String>, save_dir: PathBuf) -> Self {
        let source = (|| {
            let endpoint = endpoint
                .map(|e| parse_endpoint(&e).map_err(|why| format!("{ENDPOINT_ENV}: {why}")))
                .transpose()?;
            let pubkey = pubkey
                .map(|k| {
                    let k = k.trim().to_string();
                    check_pubkey(&k).map_err(|why| format!("{PUBKEY_ENV}: {why}"))?;
                    Ok::<_, String>(k)
                })
                .transpose()?;
            Ok(Source { endpoint, pubkey })
        })();
        match &source {
            Ok(Source {
                endpoint: Some(e), ..
            }) => tracing::info!(endpoint = %e, "update endpoint from {ENDPOINT_ENV}"),
            Ok(_) => {}
            Err(e) => tracing::warn!(problem = %e, "update settings from the environment refused"),
        }
        Updating {
            source,
            busy: AtomicBool::new(false),
            save_dir,
        }
    }

    /// The plugin's updater with this installation's endpoint and key, or why there is none.
    fn updater<R: Runtime>(&self, app: &AppHandle<R>) -> Result<Updater, UpdateProblem> {
        let source = self.source.clone().map_err(UpdateProblem::Misconfigured)?;
        match &source.pubkey {
            Some(_) => {}
            None => check_pubkey(&configured_pubkey(app)).map_err(|why| {
                UpdateProblem::Misconfigured(format!("plugins.updater.pubkey: {why}"))
            })?,
        }
        let mut builder = app.updater_builder().configure_client(|c| {
            c.connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(READ_TIMEOUT)
        });
        if let Some(endpoint) = source.endpoint {
            builder = builder
                .endpoints(vec![endpoint])
                .map_err(|e| classify(&e))?;
        }
        if let Some(key) = source.pubkey {
            builder = builder.pubkey(key);
        }
        builder.build().map_err(|e| classify(&e))
    }
}

/// `https://…`, or `http://` to this machine only (a local update server for tests).
fn parse_endpoint(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("not a URL ({e})"))?;
    let loopback = matches!(
        url.host_str(),
        Some("127.0.0.1") | Some("[::1]") | Some("localhost")
    );
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err("plain http is allowed only to this machine; use https".into()),
        other => Err(format!("unsupported scheme {other}: use https")),
    }
}

/// A minisign public key as `tauri signer generate` writes it: base64 of the two-line key file.
fn check_pubkey(key: &str) -> Result<(), String> {
    if key.trim().is_empty() {
        return Err("no public key is set".into());
    }
    let text = base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .map_err(|_| "not base64 (paste the whole .pub file's content)".to_string())?;
    let text = String::from_utf8(text).map_err(|_| "not a minisign public key".to_string())?;
    minisign_verify::PublicKey::decode(&text)
        .map(|_| ())
        .map_err(|e| format!("not a minisign public key ({e})"))
}

/// `plugins.updater.pubkey` of `tauri.conf.json` (empty when missing).
fn configured_pubkey<R: Runtime>(app: &AppHandle<R>) -> String {
    app.config()
        .plugins
        .0
        .get("updater")
        .and_then(|u| u.get("pubkey"))
        .and_then(|k| k.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The plugin's error in the dispatcher's words, sorted by whose problem it is.
pub fn classify(e: &UpdaterError) -> UpdateProblem {
    use UpdateProblem::*;
    match e {
        UpdaterError::Reqwest(r) if r.is_connect() || r.is_timeout() => {
            let host = r.url().and_then(|u| u.host_str()).unwrap_or("the server");
            Offline(format!("the update server ({host}) could not be reached"))
        }
        UpdaterError::Reqwest(r) if r.is_decode() => Failed(
            "the update server's answer is not a release description (not JSON): check the \
             update endpoint"
                .into(),
        ),
        UpdaterError::Reqwest(r) if r.is_body() => {
            Failed(format!("the update server's answer broke off ({r})"))
        }
        UpdaterError::Reqwest(r) => Failed(format!("the update request failed ({r})")),
        UpdaterError::ReleaseNotFound => Failed(
            "the update server answered without a release description (an error status or an \
             empty answer): check the update endpoint"
                .into(),
        ),
        UpdaterError::Serialization(e) => Failed(format!(
            "the update server's release description is not valid ({e})"
        )),
        UpdaterError::Semver(e) => Failed(format!(
            "the update server announced a version that is not a version number ({e})"
        )),
        UpdaterError::TargetNotFound(_) | UpdaterError::TargetsNotFound(_) => {
            Failed(format!("the release has no package for this system ({e})"))
        }
        UpdaterError::Network(msg) => Failed(format!("the download failed: {msg}")),
        UpdaterError::EmptyEndpoints => Misconfigured("no update endpoint is configured".into()),
        UpdaterError::InsecureTransportProtocol => Misconfigured(
            "the update endpoint must use https (plain http only in a debug build, to this \
             machine)"
                .into(),
        ),
        UpdaterError::UrlParse(e) => {
            Misconfigured(format!("the update endpoint is not a valid URL ({e})"))
        }
        UpdaterError::UnsupportedArch | UpdaterError::UnsupportedOs => {
            Misconfigured(format!("updates are not available on this system ({e})"))
        }
        UpdaterError::Minisign(m) => Refused(format!(
            "The downloaded update was refused: {} Nothing was installed.",
            match m {
                minisign_verify::Error::UnexpectedKeyId => {
                    "it was signed with a key that is not RouteMate's update key."
                }
                minisign_verify::Error::InvalidSignature => {
                    "its signature does not match the file (the file was altered or damaged)."
                }
                _ => "its signature could not be read.",
            }
        )),
        UpdaterError::Base64(_) | UpdaterError::SignatureUtf8(_) => Refused(
            "The downloaded update was refused: the release's signature is not readable. \
             Nothing was installed."
                .into(),
        ),
        UpdaterError::SignedVersionMismatch { .. } | UpdaterError::MissingSignedVersion => Refused(
            format!("The downloaded update was refused: {e} Nothing was installed."),
        ),
        UpdaterError::InvalidUpdaterFormat => {
            Failed("the downloaded file is not a package this installation can install".into())
        }
        UpdaterError::AuthenticationFailed => Failed(
            "installing needs an administrator's permission, which was not given; nothing \
             was changed"
                .into(),
        ),
        UpdaterError::DebInstallFailed | UpdaterError::PackageInstallFailed => Failed(
            "the package manager could not install the update; the installed version is \
             unchanged"
                .into(),
        ),
        other => Failed(format!("the update failed ({other})")),
    }
}

/// "Check for updates".
pub async fn check<R: Runtime>(app: &AppHandle<R>, state: &Updating) -> UpdateStatus {
    let current = app.package_info().version.to_string();
    let updater = match state.updater(app) {
        Ok(u) => u,
        Err(p) => return p.into_status(),
    };
    match updater.check().await {
        Ok(Some(u)) => UpdateStatus::Available {
            current,
            version: u.version.clone(),
            notes: u.body.clone(),
        },
        Ok(None) => UpdateStatus::UpToDate { current },
        Err(e) => {
            let problem = classify(&e);
            tracing::info!(error = %e, problem = %problem, "update check failed");
            problem.into_status()
        }
    }
}

/// Clears the busy flag however the install ends.
struct Busy<'a>(&'a AtomicBool);
impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// "Download and install" of `version` (the one the dispatcher was shown): download with
/// progress events, verify, then install (or save, see the module doc).
pub async fn install<R: Runtime>(
    app: &AppHandle<R>,
    state: &Updating,
    version: &str,
) -> Result<InstallOutcome, UpdateProblem> {
    if state.busy.swap(true, Ordering::SeqCst) {
        return Err(UpdateProblem::Failed(
            "an update is already being installed".into(),
        ));
    }
    let _busy = Busy(&state.busy);
    let update = match state
        .updater(app)?
        .check()
        .await
        .map_err(|e| classify(&e))?
    {
        Some(u) if u.version == version => u,
        Some(u) => {
            return Err(UpdateProblem::Failed(format!(
                "the update server now offers version {} instead of {version}: check again",
                u.version
            )))
        }
        None => {
            return Err(UpdateProblem::Failed(format!(
                "version {version} is no longer offered: check again"
            )))
        }
    };
    let bytes = download(app, &update).await?;
    tracing::info!(
        version,
        bytes = bytes.len(),
        "update downloaded and verified"
    );
    match tauri::utils::platform::bundle_type() {
        Some(BundleType::Deb | BundleType::Rpm | BundleType::AppImage) => {
            progress(
                app,
                "installing",
                bytes.len() as u64,
                Some(bytes.len() as u64),
            );
            let u = update.clone();
            tauri::async_runtime::spawn_blocking(move || u.install(&bytes))
                .await
                .map_err(|e| UpdateProblem::Failed(format!("the installer did not finish: {e}")))?
                .map_err(|e| classify(&e))?;
            tracing::info!(version, "update installed; a restart runs it");
            Ok(InstallOutcome::Installed {
                version: update.version,
            })
        }
        _ => {
            let path = save(&state.save_dir, &update, &bytes).map_err(|e| {
                UpdateProblem::Failed(format!(
                    "the verified update could not be saved in {}: {e}",
                    state.save_dir.display()
                ))
            })?;
            tracing::info!(version, path = %path.display(), "not a packaged install: update saved");
            Ok(InstallOutcome::Saved {
                version: update.version,
                path: path.display().to_string(),
            })
        }
    }
}

/// Downloads the package with progress events; the plugin verifies the signature before it
/// hands the bytes over, so what comes back is verified.
async fn download<R: Runtime>(
    app: &AppHandle<R>,
    update: &Update,
) -> Result<Vec<u8>, UpdateProblem> {
    let mut downloaded = 0u64;
    let mut last = Instant::now();
    progress(app, "downloading", 0, None);
    let result = update
        .download(
            |chunk, total| {
                downloaded += chunk as u64;
                if last.elapsed() >= Duration::from_millis(100) || total == Some(downloaded) {
                    last = Instant::now();
                    progress(app, "downloading", downloaded, total);
                }
            },
            || progress(app, "verifying", 0, None),
        )
        .await;
    result.map_err(|e| {
        let problem = classify(&e);
        tracing::warn!(error = %e, problem = %problem, "update not installed");
        problem
    })
}

fn progress<R: Runtime>(app: &AppHandle<R>, phase: &str, downloaded: u64, total: Option<u64>) {
    let _ = app.emit(
        PROGRESS_EVENT,
        UpdateProgress {
            phase: phase.into(),
            downloaded,
            total,
        },
    );
}

/// Writes the verified package to `dir` under the download's own file name (only its last
/// path segment, characters a file name may hold), atomically.
fn save(dir: &Path, update: &Update, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = file_name(&update.download_url, &update.version);
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

fn file_name(url: &Url, version: &str) -> String {
    let last = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
        .collect();
    if clean.trim_matches('.').is_empty() {
        format!("RouteMate_{version}_update")
    } else {
        clean
    }
}

/// Restarts the app (after an install), so the new version runs: the usual exit (stores
/// flushed, windows closed), then the new binary starts.
pub fn restart<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("restarting after an update");
    app.request_restart();
}

#[cfg(test)]
#[path = "updating_tests.rs"]
mod tests;
