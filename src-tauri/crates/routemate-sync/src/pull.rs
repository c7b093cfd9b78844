//! The pull: `GET /v1/integration-jobs?updated_since=CURSOR` page by page, each changed job
//! fetched whole and handed to the engine, which applies it by the conflict rules
//! (`routemate_engine::sync::pull`). The cursor (the newest hosted `updated_at` seen) is saved
//! after the whole pull, so a crash repeats a pull (harmless: applying is idempotent) and never
//! skips one. The listing is inclusive, so jobs at the cursor's instant come back and are
//! skipped when their update time is the one already known.

use crate::client::{Client, Failure};
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use routemate_engine::jobs::{JobPage, JobView};
use routemate_engine::sync::Applied;
use routemate_engine::Api;

/// What a pull did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PullCounts {
    /// Jobs created or updated here.
    pub pulled: usize,
    /// Jobs flagged as conflicts.
    pub conflicts: usize,
}

async fn blocking<T: Send + 'static>(
    api: &Api,
    f: impl FnOnce(&Api) -> Result<T, routemate_engine::EngineError> + Send + 'static,
) -> Result<T, Failure> {
    let api = api.clone();
    tokio::task::spawn_blocking(move || f(&api))
        .await
        .map_err(|e| Failure::Retry {
            error: format!("local task failed: {e}"),
            retry_after: None,
        })?
        .map_err(|e| Failure::Retry {
            error: format!("local store: {e}"),
            retry_after: None,
        })
}

/// Pulls what changed on the hosted side since the saved cursor into `account`.
pub async fn pull(api: &Api, client: &Client, account: &str) -> Result<PullCounts, Failure> {
    let since: Option<DateTime<Utc>> = blocking(api, |a| a.sync_meta("cursor")).await?;
    let mut newest = since;
    let mut counts = PullCounts::default();
    let mut page_cursor: Option<String> = None;
    loop {
        let mut url = client.url("v1/integration-jobs");
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("limit", "500");
            if let Some(t) = since {
                q.append_pair(
                    "updated_since",
                    &t.to_rfc3339_opts(SecondsFormat::Nanos, true),
                );
            }
            if let Some(c) = &page_cursor {
                q.append_pair("cursor", c);
            }
        }
        let page: JobPage = client.call(Method::GET, url, None).await?;
        for row in &page.jobs {
            newest = newest.max(Some(row.updated_at));
            let (acct, ext) = (account.to_string(), row.external_job_id.clone());
            let known = blocking(api, move |a| a.sync_known_hosted_update(&acct, &ext)).await?;
            if known == Some(row.updated_at) {
                continue;
            }
            let mut url = client.url("v1/integration-jobs/");
            if let Ok(mut segs) = url.path_segments_mut() {
                segs.pop_if_empty().push(&row.job_id);
            }
            let hosted: JobView = client.call(Method::GET, url, None).await?;
            let acct = account.to_string();
            match blocking(api, move |a| a.sync_apply_hosted(&acct, &hosted)).await? {
                Applied::Unchanged => {}
                Applied::Created | Applied::Updated => counts.pulled += 1,
                Applied::Conflict => counts.conflicts += 1,
            }
        }
        match page.next_cursor {
            Some(c) => page_cursor = Some(c),
            None => break,
        }
    }
    if newest != since {
        if let Some(t) = newest {
            blocking(api, move |a| a.set_sync_meta("cursor", &t)).await?;
        }
    }
    Ok(counts)
}
