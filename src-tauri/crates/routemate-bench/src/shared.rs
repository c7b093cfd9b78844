//! The shared data folder (`../shared` next to the repository, or `$ROUTEMATE_SHARED`): the
//! TSPLIB and delivery instances under `bench/data`, the geodata fixtures under `fixtures/geo`.
//! It is not part of the repository, so whatever needs it says in one line what is missing and
//! how to get it.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;

/// How to get the folder, for every message about it.
pub const HOW_TO_GET: &str = "put the project's shared data folder at ../shared next to the \
     repository, or set ROUTEMATE_SHARED to it";

/// A shared file or folder that is not there.
#[derive(Debug, thiserror::Error)]
#[error("{what} not found: {HOW_TO_GET}")]
pub struct Missing {
    pub what: String,
}

/// The shared folder: `ROUTEMATE_SHARED`, else the first ancestor of the working directory or of
/// this crate holding `shared/spec`.
pub fn dir() -> Result<PathBuf, Missing> {
    let starts = [
        std::env::current_dir().ok(),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
    ];
    starts
        .into_iter()
        .flatten()
        .find_map(|s| routemate_geocode::fixture::shared_dir(&s))
        .filter(|d| d.is_dir())
        .ok_or_else(|| Missing {
            what: "the shared data folder (../shared)".into(),
        })
}

/// `rel` inside the shared folder, when it exists.
pub fn path(rel: &str) -> Result<PathBuf, Missing> {
    let p = dir()?.join(rel);
    if p.exists() {
        Ok(p)
    } else {
        Err(Missing {
            what: format!("shared/{rel}"),
        })
    }
}

/// `rel` inside the shared folder, for a test. When it is missing the test is skipped: one line
/// on stderr says what and how to get it (once per test binary). With
/// `ROUTEMATE_REQUIRE_SHARED=1` (CI) the line ends the test binary with a failure instead: a
/// missing folder then fails loudly, but never as a panic trace.
pub fn for_test(rel: &str) -> Option<PathBuf> {
    match path(rel) {
        Ok(p) => Some(p),
        Err(missing) => {
            if std::env::var_os("ROUTEMATE_REQUIRE_SHARED").is_some_and(|v| v == "1") {
                // Straight to the process's stderr: libtest captures `eprintln!` of tests.
                let _ = writeln!(std::io::stderr(), "error: {missing}");
                std::process::exit(2);
            }
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                let _ = writeln!(std::io::stderr(), "skipped: {missing}");
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    /// Not a check by itself: the test below runs it in a child process of this test binary.
    #[test]
    fn probe_asks_for_a_shared_file() {
        if std::env::var_os("ROUTEMATE_SHARED_PROBE").is_some() {
            assert!(super::for_test("bench/data").is_none());
        }
    }

    /// Runs the probe with the shared folder pointed at nothing.
    fn probe(require: &str) -> (bool, String) {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "shared::tests::probe_asks_for_a_shared_file"])
            .env("ROUTEMATE_SHARED_PROBE", "1")
            .env("ROUTEMATE_SHARED", "/nonexistent/routemate-shared")
            .env("ROUTEMATE_REQUIRE_SHARED", require)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    #[test]
    fn missing_shared_folder_is_one_line_that_says_how_to_get_it() {
        let (ok, stderr) = probe("0");
        assert!(ok, "skipped, not failed: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("skipped: the shared data folder (../shared) not found"));
        assert!(stderr.contains("ROUTEMATE_SHARED"), "{stderr}");

        let (ok, stderr) = probe("1");
        assert!(!ok, "required: the binary fails");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: the shared data folder"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
