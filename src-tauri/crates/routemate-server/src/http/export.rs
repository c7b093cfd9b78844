//! `GET /v1/integration-jobs/{job_id}/export?format=pdf|gpx|csv|xlsx`: the job's run sheet,
//! GPX, CSV or XLSX as a download (`Content-Disposition: attachment`), drawn by
//! `routemate-export` on the blocking pool.

use super::bearer::Account;
use super::problem::Problem;
use super::responses::ReadErrors;
use super::{blocking, AppState};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use routemate_engine::jobs::JobRef;
use routemate_export::Format;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The export's query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: the handler reads the query itself
pub(crate) struct ExportQuery {
    /// `pdf` (the printable run sheet), `gpx`, `csv` or `xlsx`.
    #[param(inline)]
    format: ExportFormat,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum ExportFormat {
    Pdf,
    Gpx,
    Csv,
    Xlsx,
}

/// The exported file's bytes.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(value_type = String, format = Binary)]
pub(crate) struct ExportFile(Vec<u8>);

/// `GET /v1/integration-jobs/{job_id}/export?format=pdf|gpx|csv|xlsx`: the job as a file.
#[utoipa::path(get, path = "/v1/integration-jobs/{job_id}/export", tag = "jobs",
    params(("job_id" = String, Path, description = "The job's `job_id`."), ExportQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The file, as a download named after the job's \
            `external_job_id` (`Content-Disposition: attachment`).",
            content(
                (ExportFile = "application/pdf"),
                (ExportFile = "application/gpx+xml"),
                (ExportFile = "text/csv"),
                (ExportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(("Content-Disposition" = String, description = "`attachment; \
                filename=\"BATCH-001.pdf\"` (and `filename*` in UTF-8)."))),
        (status = 404, description = "No such job in this account.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "`format` is missing or not one of pdf, gpx, csv, xlsx \
            (listed in `errors`).", body = Problem, content_type = "application/problem+json"),
        ReadErrors,
    ))]
pub(crate) async fn export(
    State(s): State<AppState>,
    Account(account): Account,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, Problem> {
    let Path(job_id) = path.map_err(super::jobs::bad_path)?;
    let q = super::jobs::query_map(&uri)?;
    let format = match q.get("format").map(|f| Format::parse(f)) {
        Some(Some(f)) => f,
        given => {
            return Err(Problem::invalid(vec![super::jobs::field_error(
                "format",
                if given.is_none() {
                    "is required: pdf, gpx, csv or xlsx"
                } else {
                    "must be one of pdf, gpx, csv, xlsx"
                },
            )]))
        }
    };
    let api = s.api.clone();
    let (name, drawn) = blocking(move || {
        let job = api.job(&account, &JobRef::Id(job_id))?;
        // The run sheet's map gets the road pack's streets when one covers the job.
        let options = if format == Format::Pdf {
            routemate_export::basemap::options_for(&api, &job)
        } else {
            routemate_export::ExportOptions::default()
        };
        let drawn = routemate_export::export_with(&job, format, &options);
        Ok((routemate_export::file_name(&job, format), drawn))
    })
    .await?;
    let bytes = drawn.map_err(|e| {
        // Ours, not the caller's: logged with its cause, answered without it.
        tracing::error!(code = e.code(), error = %e, "export failed");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "export-failed",
            "The export failed",
            "the file could not be drawn; the job is unchanged",
        )
    })?;
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `attachment; filename="…"` with an ASCII fallback, plus RFC 6266's `filename*` in UTF-8 when
/// the name is not plain ASCII.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii == name {
        return format!("attachment; filename=\"{name}\"");
    }
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn file_names_are_quoted_safely() {
        assert_eq!(
            content_disposition("B-1.pdf"),
            "attachment; filename=\"B-1.pdf\""
        );
        assert_eq!(
            content_disposition("Köln.csv"),
            "attachment; filename=\"K_ln.csv\"; filename*=UTF-8''K%C3%B6ln.csv"
        );
    }
}
