//! Which events a change makes, and what their `data` says. A job write makes one event
//! (`job.imported`, `job.updated` or `stop.status_changed`), followed by `job.completed` when this
//! change is the one that brought every stop to a final status. A new day plan makes
//! `plan.created`.

use super::store::Draft;
use super::EventType;
use crate::jobs::write::Change;
use crate::jobs::{JobRecord, JobSummary};
use crate::plan::record::PlanRecord;
use routemate_core::model::JobStatus;
use serde_json::json;

fn job_data(job: &JobRecord) -> serde_json::Value {
    json!({
        "job_id": job.job_id,
        "external_job_id": job.external_job_id,
        "title": job.title,
        "driver_email": job.driver_email,
        "status": job.status(),
        "stop_count": job.stops.len(),
        "status_counts": job.status_counts(),
        "revision": job.revision,
    })
}

/// The events of storing `job` by `change`; `before` is the job's list row before the change.
pub(crate) fn for_job(job: &JobRecord, change: &Change, before: Option<&JobSummary>) -> Vec<Draft> {
    let first = match change {
        Change::Created => Draft {
            kind: EventType::JobImported,
            data: job_data(job),
        },
        Change::Updated => Draft {
            kind: EventType::JobUpdated,
            data: job_data(job),
        },
        Change::StopStatus { external_stop_id } => {
            let stop = job
                .stops
                .iter()
                .find(|s| &s.external_stop_id == external_stop_id);
            Draft {
                kind: EventType::StopStatusChanged,
                data: json!({
                    "job_id": job.job_id,
                    "external_job_id": job.external_job_id,
                    "external_stop_id": external_stop_id,
                    "status": stop.map(|s| s.status),
                    "note": stop.and_then(|s| s.status_note.clone()),
                    "job_status": job.status(),
                    "revision": job.revision,
                }),
            }
        }
    };
    let completed_now = job.status() == JobStatus::Completed
        && before.is_none_or(|b| b.status != JobStatus::Completed);
    let mut drafts = vec![first];
    if completed_now {
        drafts.push(Draft {
            kind: EventType::JobCompleted,
            data: job_data(job),
        });
    }
    drafts
}

/// The `plan.created` event of a new plan.
pub(crate) fn plan_created(plan: &PlanRecord) -> Draft {
    let v = &plan.view;
    Draft {
        kind: EventType::PlanCreated,
        data: json!({
            "plan_id": v.plan_id,
            "external_plan_id": v.external_plan_id,
            "date": v.date,
            "jobs": v.jobs.iter().map(|j| json!({
                "job_id": j.job_id,
                "external_job_id": j.external_job_id,
                "driver": j.driver,
                "stop_count": j.stop_count,
            })).collect::<Vec<_>>(),
            "unassigned_stops": v.unassigned.len(),
            "totals": v.totals,
        }),
    }
}
