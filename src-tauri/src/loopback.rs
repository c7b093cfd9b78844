//! The local RouteMate API on loopback (the server crate's router), so integrations on the depot
//! machine import offline. Address: `ROUTEMATE_LISTEN`, else the desktop settings' port on
//! 127.0.0.1 (8787 by default). Only loopback addresses are bound, and requests whose `Host` is not a
//! loopback name are refused by the router.

use crate::settings::DesktopSettings;
use crate::state::{Desktop, LocalApi};
use routemate_engine::Api;
use routemate_server::RouterOptions;
use std::net::SocketAddr;
use tauri::{AppHandle, Manager, Runtime};

/// Why an address is not acceptable for the local API.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let addr: SocketAddr = text
        .parse()
        .map_err(|_| format!("'{text}' is not an address like 127.0.0.1:8787"))?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{addr} is not a loopback address; the local API only listens on 127.0.0.1 or ::1"
        ));
    }
    Ok(addr)
}

/// The address to serve on, and whether the local API is enabled at all.
pub fn choose(
    env: Option<String>,
    settings: &DesktopSettings,
) -> Option<Result<SocketAddr, String>> {
    if let Some(text) = env.filter(|t| !t.is_empty()) {
        return Some(parse_listen(&text));
    }
    settings
        .local_api_enabled
        .then(|| Ok(SocketAddr::from(([127, 0, 0, 1], settings.local_api_port))))
}

/// Starts the local API in the background; its state shows in Settings.
pub fn start<R: Runtime>(app: &AppHandle<R>, api: Api) {
    let settings = DesktopSettings::current(&api);
    let state = app.state::<Desktop>();
    let addr = match choose(std::env::var("ROUTEMATE_LISTEN").ok(), &settings) {
        None => return state.set_local_api(LocalApi::Off),
        Some(Err(message)) => {
            tracing::error!(%message, "local API not started");
            return state.set_local_api(LocalApi::Failed {
                address: String::new(),
                message,
            });
        }
        Some(Ok(addr)) => addr,
    };
    state.set_local_api(LocalApi::Starting);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let desktop = app.state::<Desktop>();
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(%addr, error = %e, "local API could not bind");
                let message =
                    format!("cannot listen on {addr}: {e} (is another RouteMate running?)");
                return desktop.set_local_api(LocalApi::Failed {
                    address: addr.to_string(),
                    message,
                });
            }
        };
        let address = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| addr.to_string());
        tracing::info!(%address, "local API listening");
        desktop.set_local_api(LocalApi::Listening {
            address: address.clone(),
        });
        let options = RouterOptions {
            loopback_only: true,
            ..Default::default()
        };
        let result = routemate_server::serve(listener, api, options, std::future::pending()).await;
        if let Err(e) = result {
            tracing::error!(error = %e, "local API stopped");
            desktop.set_local_api(LocalApi::Failed {
                address,
                message: e.to_string(),
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(parse_listen("127.0.0.1:9000").is_ok());
        assert!(parse_listen("[::1]:9000").is_ok());
        assert!(parse_listen("0.0.0.0:9000")
            .unwrap_err()
            .contains("not a loopback"));
        assert!(parse_listen("192.168.1.5:80").is_err());
        assert!(parse_listen("localhost").is_err());
    }

    #[test]
    fn environment_beats_settings_and_settings_can_turn_it_off() {
        let stored = |v| DesktopSettings::from_stored(&v);
        let off = stored(json!({"local_api_enabled": false}));
        assert_eq!(choose(None, &off), None);
        assert_eq!(
            choose(Some("127.0.0.1:9100".into()), &off),
            Some(Ok("127.0.0.1:9100".parse().unwrap()))
        );
        let port = stored(json!({"local_api_port": 9200}));
        assert_eq!(
            choose(None, &port),
            Some(Ok("127.0.0.1:9200".parse().unwrap()))
        );
        assert_eq!(
            choose(None, &stored(json!({}))),
            Some(Ok("127.0.0.1:8787".parse().unwrap()))
        );
    }
}
