//! `routemate sync login` and the desktop's Settings → Sync: check the URL, store the secret
//! (keyring or 0600 file), check the credentials against the hosted API, save the config.

use crate::client::{check_url, Client, ClientOptions, Failure};
use crate::secret;
use routemate_engine::sync::SyncConfig;
use routemate_engine::Api;
use serde::Serialize;

/// What a login did (printed by the CLI, shown by the desktop).
#[derive(Debug, Clone, Serialize)]
pub struct LoginReport {
    pub url: String,
    pub client_id: String,
    /// `"keyring"` or `"file"`.
    pub secret_store: String,
    /// Whether the hosted API accepted the credentials now (`false`: not reachable; the login
    /// is kept and sync starts when it is).
    pub connected: bool,
    /// Something the user should know (the secret is in a file; the host is unreachable).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("url: {0}")]
    Url(String),
    #[error("client id and client secret must not be empty")]
    Empty,
    #[error("the hosted API refused these credentials ({0})")]
    Refused(String),
    #[error(transparent)]
    Secret(#[from] secret::SecretError),
    #[error(transparent)]
    Engine(#[from] routemate_engine::EngineError),
}

/// Checks the credentials against `url` (a token request) without saving anything.
pub async fn test_connection(url: &str, client_id: &str, secret: &str) -> Result<(), String> {
    let client = Client::new(url, client_id, secret, &ClientOptions::default())?;
    client.test().await.map_err(|f| match f {
        Failure::Retry { error, .. } => error,
        Failure::Park { status, problem } => format!("HTTP {status}: {problem}"),
    })
}

/// Logs in: saves the config for `account` and the secret; a refused secret saves nothing.
pub async fn login(
    api: &Api,
    url: &str,
    client_id: &str,
    client_secret: &str,
    account: &str,
) -> Result<LoginReport, LoginError> {
    let base = check_url(url).map_err(LoginError::Url)?;
    let (client_id, client_secret) = (client_id.trim(), client_secret.trim());
    if client_id.is_empty() || client_secret.is_empty() {
        return Err(LoginError::Empty);
    }
    let mut warnings = Vec::new();
    let connected = match test_connection(base.as_str(), client_id, client_secret).await {
        Ok(()) => true,
        Err(e) if e.contains("401") => return Err(LoginError::Refused(e)),
        Err(e) => {
            warnings.push(format!(
                "the hosted API is not reachable now ({e}); the login is saved and sync starts \
                 when it is"
            ));
            false
        }
    };
    let stored = {
        let (dir, id, s) = (
            api.data_dir().to_path_buf(),
            client_id.to_string(),
            client_secret.to_string(),
        );
        tokio::task::spawn_blocking(move || secret::store(&dir, &id, &s))
            .await
            .map_err(|e| LoginError::Url(e.to_string()))??
    };
    warnings.extend(stored.warning);
    let config = SyncConfig {
        url: base.as_str().trim_end_matches('/').to_string(),
        client_id: client_id.to_string(),
        secret_store: stored.store.to_string(),
        account: account.to_string(),
    };
    api.set_sync_config(Some(&config))?;
    api.notify_settings_changed();
    tracing::info!(url = %config.url, store = stored.store, "sync login saved");
    Ok(LoginReport {
        url: config.url,
        client_id: config.client_id,
        secret_store: config.secret_store,
        connected,
        warnings,
    })
}

/// Forgets the login and the secret (queued work stays in the outbox).
pub fn logout(api: &Api) -> Result<(), routemate_engine::EngineError> {
    if let Some(c) = api.sync_config()? {
        secret::forget(api.data_dir(), &c.client_id);
    }
    api.set_sync_config(None)?;
    api.notify_settings_changed();
    Ok(())
}
