//! The desktop's own settings (map tiles, local API, watched folder, online geocoder): one typed
//! struct with its defaults and its validation, stored in the engine's free-form `ui` object.
//! Planning settings (depot, speed, service time, road factor, day start) stay in the engine's
//! `Settings`; nothing in the shell reads `ui` by string key.
//!
//! Reading is forgiving (a stored value of the wrong type or out of range falls back to its
//! default, so an old or hand-edited store still starts); saving is strict (every bad or unknown
//! field is named, and nothing is saved).
//!
//! The watched folder: an existing directory, stored as its canonical path (symlinks resolved),
//! and never a system folder (`/`, `/etc`, `/usr`, `/proc`, …, or anything inside the kernel's and
//! the OS's own trees), the user's home folder itself, or the app's data folder. The home folder
//! is refused because the watcher moves every job file it handles into `imported/` or `failed/`:
//! pointed at home, it would sweep up the user's own JSON and CSV files.

use routemate_core::validate::FieldError;
use routemate_engine::Api;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The tile server used until Settings names another.
pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
/// Public Nominatim, used when online geocoding is on and no other server is named.
pub const DEFAULT_ONLINE_URL: &str = "https://nominatim.openstreetmap.org";
/// Where the local API listens unless Settings or `ROUTEMATE_LISTEN` say otherwise.
pub const DEFAULT_LOCAL_API_PORT: u16 = 8787;

/// Settings only the desktop app reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct DesktopSettings {
    /// Map tiles: an http(s) URL with `{z}`, `{x}` and `{y}` (`{s}` optional).
    pub tile_url: String,
    /// Serve the RouteMate API on loopback for integrations on this computer.
    pub local_api_enabled: bool,
    /// The local API's port on 127.0.0.1 (1024–65535).
    pub local_api_port: u16,
    /// Job files saved here are imported; `null` when no folder is watched.
    pub watched_folder: Option<String>,
    /// Ask an online geocoder when the offline stack cannot place an address.
    pub online_geocoder: bool,
    /// The online geocoder (Nominatim API), https only.
    pub online_geocoder_url: String,
    /// Driver packs (run sheet, GPX, CSV, XLSX) are written here after every import or change
    /// of a job (`packs.rs`); `null`: none. An existing folder, stored canonical.
    pub packs_folder: Option<String>,
    /// Closing the window hides it and the app keeps watching (tray, `native::closing`).
    pub keep_watching_on_close: bool,
}

impl Default for DesktopSettings {
    fn default() -> Self {
        DesktopSettings {
            tile_url: DEFAULT_TILE_URL.into(),
            local_api_enabled: true,
            local_api_port: DEFAULT_LOCAL_API_PORT,
            watched_folder: None,
            online_geocoder: false,
            online_geocoder_url: DEFAULT_ONLINE_URL.into(),
            packs_folder: None,
            keep_watching_on_close: true,
        }
    }
}

/// What a watched folder is checked against besides the fixed system folders.
pub struct FolderRules<'a> {
    pub home: Option<&'a Path>,
    pub data_dir: &'a Path,
}

impl DesktopSettings {
    /// The settings in force: the engine's stored `ui`, read forgivingly.
    pub fn current(api: &Api) -> DesktopSettings {
        api.settings()
            .map(|s| DesktopSettings::from_stored(&s.ui))
            .unwrap_or_default()
    }

    /// Reads a stored `ui` object: each known field that parses and passes validation is kept,
    /// anything else takes its default (unknown keys are dropped).
    pub fn from_stored(ui: &Value) -> DesktopSettings {
        let (settings, problems) = Self::merge(ui, false);
        let problems: Vec<FieldError> = problems.into_iter().chain(settings.check()).collect();
        if problems.is_empty() {
            return settings;
        }
        tracing::warn!(
            ?problems,
            "stored desktop settings had bad values; using defaults"
        );
        let bad: Vec<&str> = problems
            .iter()
            .map(|p| p.field.trim_start_matches("ui."))
            .collect();
        let mut clean = ui.as_object().cloned().unwrap_or_default();
        clean.retain(|k, _| !bad.contains(&k.as_str()));
        Self::merge(&Value::Object(clean), false).0
    }

    /// Parses a `ui` object the UI wants to save: every unknown key, wrong type and bad value is
    /// named (`ui.<field>`); the watched folder must pass [`check_folder`] and is stored canonical.
    pub fn parse(ui: &Value, rules: &FolderRules) -> Result<DesktopSettings, Vec<FieldError>> {
        if !ui.is_object() && !ui.is_null() {
            return Err(vec![field_error("ui", "invalid_type", "must be an object")]);
        }
        let (mut settings, mut problems) = Self::merge(ui, true);
        problems.extend(settings.check());
        if let Some(folder) = &settings.watched_folder {
            match check_folder(Path::new(folder), rules) {
                Ok(canonical) => settings.watched_folder = Some(canonical.display().to_string()),
                Err(detail) => {
                    problems.push(field_error("ui.watched_folder", "invalid_value", &detail))
                }
            }
        }
        if let Some(folder) = &settings.packs_folder {
            match crate::packs::check_folder(Path::new(folder), rules.data_dir) {
                Ok(canonical) => settings.packs_folder = Some(canonical.display().to_string()),
                Err(detail) => {
                    problems.push(field_error("ui.packs_folder", "invalid_value", &detail))
                }
            }
        }
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(problems)
        }
    }

    /// The stored form (what goes into the engine's `ui`).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Field by field onto the defaults, so one bad field does not lose the others. Returns the
    /// problems found (unknown keys only when `strict`).
    fn merge(ui: &Value, strict: bool) -> (DesktopSettings, Vec<FieldError>) {
        let Value::Object(mut merged) = DesktopSettings::default().to_value() else {
            unreachable!("a struct serializes to an object")
        };
        let mut problems = Vec::new();
        for (key, value) in ui.as_object().into_iter().flatten() {
            let field = format!("ui.{key}");
            if !merged.contains_key(key) {
                if strict {
                    problems.push(field_error(
                        &field,
                        "unknown_field",
                        "is not a desktop setting",
                    ));
                }
                continue;
            }
            let mut trial: Map<String, Value> = merged.clone();
            trial.insert(key.clone(), normalise(value));
            match serde_json::from_value::<DesktopSettings>(Value::Object(trial.clone())) {
                Ok(_) => merged = trial,
                Err(e) => problems.push(field_error(&field, "invalid_type", &type_detail(&e))),
            }
        }
        let settings = serde_json::from_value(Value::Object(merged)).unwrap_or_default();
        (settings, problems)
    }

    /// Checks that need no file system: URLs and the port.
    fn check(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if !is_http_url(&self.tile_url)
            || !["{z}", "{x}", "{y}"]
                .iter()
                .all(|p| self.tile_url.contains(p))
        {
            out.push(field_error(
                "ui.tile_url",
                "invalid_value",
                "must be an http(s) URL containing {z}, {x} and {y}",
            ));
        }
        if self.local_api_port < 1024 {
            out.push(field_error(
                "ui.local_api_port",
                "invalid_value",
                "must be between 1024 and 65535",
            ));
        }
        if !self.online_geocoder_url.starts_with("https://") || self.online_geocoder_url.len() < 12
        {
            out.push(field_error(
                "ui.online_geocoder_url",
                "invalid_value",
                "must be an https URL",
            ));
        }
        out
    }
}

/// `""` means "none" for the optional folder, as the UI's cleared field sends it.
fn normalise(value: &Value) -> Value {
    match value {
        Value::String(s) if s.trim().is_empty() => Value::Null,
        other => other.clone(),
    }
}

fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && s.len() <= 2048
}

fn type_detail(e: &serde_json::Error) -> String {
    // serde's message names the expected type ("invalid type: string \"x\", expected u16").
    let text = e.to_string();
    let text = text.split(" at line").next().unwrap_or(&text);
    format!("has the wrong type: {text}")
}

fn field_error(field: &str, code: &str, detail: &str) -> FieldError {
    FieldError {
        field: field.into(),
        pointer: format!("/{}", field.replace('.', "/")),
        code: code.into(),
        detail: detail.into(),
    }
}

/// Folders the OS owns: refused, and so is anything inside them.
const SYSTEM_TREES: &[&str] = &[
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/System",
    "/Library",
    "/private/etc",
    "/private/var/db",
];
/// Folders refused themselves, though places inside them are fine (`/var/folders/…` is macOS's
/// temp, `/home/ann/jobs` is a user's).
const SYSTEM_FOLDERS: &[&str] = &[
    "/home",
    "/Users",
    "/root",
    "/var",
    "/opt",
    "/srv",
    "/mnt",
    "/media",
    "/tmp",
    "/private",
    "/private/var",
    "/Volumes",
    "/Applications",
];

/// Checks a folder the user wants watched; returns its canonical path or says why not.
pub fn check_folder(path: &Path, rules: &FolderRules) -> Result<PathBuf, String> {
    if !path.is_absolute() {
        return Err(format!("'{}' is not an absolute path", path.display()));
    }
    let canonical = std::fs::canonicalize(path)
        .map_err(|e| format!("'{}' cannot be opened: {e}", path.display()))?;
    if !canonical.is_dir() {
        return Err(format!("'{}' is not a folder", path.display()));
    }
    let shown = canonical.display();
    if canonical.parent().is_none() {
        return Err(format!(
            "'{shown}' is the root of a disk; choose a folder for job files"
        ));
    }
    let windows = canonical
        .to_str()
        .map(|s| s.to_ascii_lowercase())
        .is_some_and(|s| s.contains(":\\windows") || s.contains(":\\program files"));
    if windows
        || SYSTEM_TREES.iter().any(|t| canonical.starts_with(t))
        || SYSTEM_FOLDERS.iter().any(|f| canonical == Path::new(f))
    {
        return Err(format!(
            "'{shown}' is a system folder; choose a folder for job files"
        ));
    }
    let same = |other: &Path| std::fs::canonicalize(other).is_ok_and(|o| o == canonical);
    if rules.home.is_some_and(same) {
        return Err(format!(
            "'{shown}' is your home folder: job files are moved out of the watched folder once \
             imported, so choose a folder made for them (e.g. a 'RouteMate jobs' folder inside it)"
        ));
    }
    let data = std::fs::canonicalize(rules.data_dir).unwrap_or_else(|_| rules.data_dir.into());
    if canonical.starts_with(&data) || data.starts_with(&canonical) {
        return Err(format!(
            "'{shown}' holds RouteMate's own data; choose a folder for job files"
        ));
    }
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules<'a>(home: &'a Path, data: &'a Path) -> FolderRules<'a> {
        FolderRules {
            home: Some(home),
            data_dir: data,
        }
    }

    #[test]
    fn defaults_live_in_one_place_and_fill_missing_fields() {
        let s = DesktopSettings::from_stored(&json!({}));
        assert_eq!(s, DesktopSettings::default());
        assert_eq!(s.tile_url, DEFAULT_TILE_URL);
        assert_eq!(s.local_api_port, 8787);
        assert!(s.local_api_enabled && !s.online_geocoder && s.watched_folder.is_none());
        let s = DesktopSettings::from_stored(&json!({"local_api_port": 9100}));
        assert_eq!(
            (s.local_api_port, s.tile_url.as_str()),
            (9100, DEFAULT_TILE_URL)
        );
    }

    #[test]
    fn stored_values_that_are_bad_fall_back_field_by_field() {
        let stored = json!({
            "local_api_port": "eighty", "tile_url": "ftp://x/{z}/{x}/{y}", "online_geocoder": true,
            "online_geocoder_url": "http://plain.example", "welcome_dismissed": true,
            "watched_folder": ""
        });
        let s = DesktopSettings::from_stored(&stored);
        assert_eq!(s.local_api_port, DEFAULT_LOCAL_API_PORT);
        assert_eq!(s.tile_url, DEFAULT_TILE_URL);
        assert_eq!(
            s.online_geocoder_url, DEFAULT_ONLINE_URL,
            "never plain http"
        );
        assert!(s.online_geocoder, "the good field is kept");
        assert_eq!(s.watched_folder, None, "an empty folder is no folder");
        assert!(!s
            .to_value()
            .as_object()
            .unwrap()
            .contains_key("welcome_dismissed"));
    }

    #[test]
    fn saving_names_every_bad_and_unknown_field() {
        let dir = tempfile::tempdir().unwrap();
        let r = rules(dir.path(), dir.path());
        let bad = json!({"local_api_port": 80, "tile_url": "https://t.example/{z}.png",
                         "online_geocoder": "yes", "colour": "red"});
        let errs = DesktopSettings::parse(&bad, &r).unwrap_err();
        let mut fields: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            vec![
                ("ui.colour", "unknown_field"),
                ("ui.local_api_port", "invalid_value"),
                ("ui.online_geocoder", "invalid_type"),
                ("ui.tile_url", "invalid_value"),
            ]
        );
        assert_eq!(
            errs[0].pointer,
            format!("/{}", errs[0].field.replace('.', "/"))
        );
        let port = json!({"local_api_port": 70000});
        assert_eq!(
            DesktopSettings::parse(&port, &r).unwrap_err()[0].code,
            "invalid_type"
        );
        assert!(DesktopSettings::parse(&json!([1]), &r).is_err());
        let good = json!({"local_api_port": 9300, "online_geocoder": true});
        let s = DesktopSettings::parse(&good, &r).unwrap();
        assert_eq!((s.local_api_port, s.online_geocoder), (9300, true));
    }

    #[test]
    fn a_watched_folder_must_be_an_existing_folder_for_job_files() {
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        let jobs = home.path().join("jobs");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&jobs).unwrap();
        let r = rules(home.path(), &data);
        let refused = |p: &Path| check_folder(p, &r).unwrap_err();

        // A job folder is fine, and stored canonical (here: through a symlink).
        assert_eq!(
            check_folder(&jobs, &r).unwrap(),
            jobs.canonicalize().unwrap()
        );
        #[cfg(unix)]
        {
            let link = home.path().join("link");
            std::os::unix::fs::symlink(&jobs, &link).unwrap();
            assert_eq!(
                check_folder(&link, &r).unwrap(),
                jobs.canonicalize().unwrap()
            );
            // A link that leads into a system folder is judged by where it leads.
            let etc = home.path().join("etc-link");
            std::os::unix::fs::symlink("/etc", &etc).unwrap();
            assert!(refused(&etc).contains("system folder"));
        }

        assert!(refused(Path::new("relative/jobs")).contains("not an absolute path"));
        assert!(refused(&home.path().join("missing")).contains("cannot be opened"));
        let file = jobs.join("a.json");
        std::fs::write(&file, "{}").unwrap();
        assert!(refused(&file).contains("not a folder"));
        assert!(refused(Path::new("/")).contains("root"));
        for system in [
            "/etc",
            "/usr",
            "/usr/share",
            "/proc",
            "/dev",
            "/sys",
            "/var",
        ] {
            if Path::new(system).exists() {
                assert!(
                    refused(Path::new(system)).contains("system folder"),
                    "{system}"
                );
            }
        }
        assert!(refused(home.path()).contains("home folder"));
        assert!(refused(&data).contains("RouteMate's own data"));
        assert!(refused(&data.join(".")).contains("RouteMate's own data"));
    }

    #[test]
    fn saving_a_folder_stores_its_canonical_path() {
        let home = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let jobs = home.path().join("jobs");
        std::fs::create_dir_all(&jobs).unwrap();
        let r = rules(home.path(), data.path());
        let with_dots = format!("{}/../jobs", jobs.display());
        let s = DesktopSettings::parse(&json!({"watched_folder": with_dots}), &r).unwrap();
        let canonical = jobs.canonicalize().unwrap().display().to_string();
        assert_eq!(s.watched_folder.as_deref(), Some(canonical.as_str()));
        let errs = DesktopSettings::parse(&json!({"watched_folder": "/etc"}), &r).unwrap_err();
        assert_eq!(errs[0].field, "ui.watched_folder");
        let s = DesktopSettings::parse(&json!({"watched_folder": null}), &r).unwrap();
        assert_eq!(s.watched_folder, None);
    }
}
