//! Keeps every window on the app's own pages: a navigation anywhere else is refused and logged.
//! Labels and addresses are shown as text (see the UI), but should markup ever slip into the
//! page, a link, a `<meta http-equiv=refresh>` or a `<form>` still cannot take the window to a
//! site that would then run with the app's IPC.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime, Url};

/// Whether `url` is one of the app's own pages: `tauri://localhost` (Linux, macOS) or
/// `http(s)://tauri.localhost` (Windows), or the dev server of a debug build.
pub fn is_app_url(url: &Url, dev_url: Option<&Url>) -> bool {
    let own = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost") && url.port().is_none(),
        _ => false,
    };
    let dev = cfg!(debug_assertions)
        && dev_url.is_some_and(|d| d.origin() == url.origin() && d.scheme().starts_with("http"));
    own || dev
}

/// The plugin that applies [`is_app_url`] to every webview's navigations.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            let dev_url = webview.config().build.dev_url.clone();
            let allowed = is_app_url(url, dev_url.as_ref());
            if !allowed {
                tracing::warn!(%url, window = webview.label(), "navigation away from the app refused");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, allowed: bool) {
        let u: Url = url.parse().unwrap();
        assert_eq!(is_app_url(&u, None), allowed, "{url}");
    }

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        check("tauri://localhost", true);
        check("tauri://localhost/index.html#/job/abc", true);
        check("http://tauri.localhost/#/settings", true);
        check("https://tauri.localhost/", true);
        check("https://evil.example/", false);
        check("http://tauri.localhost.evil.example/", false);
        check("http://tauri.localhost:8080/", false);
        check("tauri://evil.example/", false);
        check("http://127.0.0.1:8787/v1/jobs", false);
        check("file:///etc/passwd", false);
        check("data:text/html,<script>alert(1)</script>", false);
        check("javascript:alert(1)", false);
        check("about:blank", false);
    }

    #[test]
    fn a_debug_build_may_also_show_its_dev_server() {
        let dev: Url = "http://localhost:1420/".parse().unwrap();
        let page: Url = "http://localhost:1420/#/jobs".parse().unwrap();
        assert_eq!(is_app_url(&page, Some(&dev)), cfg!(debug_assertions));
        let other: Url = "http://localhost:1421/".parse().unwrap();
        assert!(!is_app_url(&other, Some(&dev)));
    }
}
