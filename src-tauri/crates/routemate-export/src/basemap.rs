//! What the run sheet's map draws under the route: the road pack's streets around the job
//! (through the engine, which owns the pack), fetched for the box and zoom the printed map
//! shows. No pack, or a job outside it: nothing, and the map draws its grid.

use crate::pdf;
use crate::route::{LatLngLine, Route};
use crate::ExportOptions;
use routemate_core::geo::LatLng;
use routemate_engine::jobs::JobView;
use routemate_engine::Api;

/// One street on the printed map: its rank (0 = motorway/trunk … 3 = service road) and line.
#[derive(Debug, Clone, PartialEq)]
pub struct MapStreet {
    pub rank: u8,
    pub points: LatLngLine,
}

/// The streets the run sheet of `job` should draw: those of the loaded road pack inside the
/// map's box, of the classes its scale shows. Empty when no pack covers the job; a failed
/// lookup is logged and the sheet is drawn without streets (an export never fails for it).
pub fn streets_for(api: &Api, job: &JobView) -> Vec<MapStreet> {
    let route = Route::from_job(job);
    let Some((bbox, zoom)) = pdf::map_view(&route) else {
        return Vec::new();
    };
    match api.streets(bbox, zoom) {
        Ok(view) => view
            .streets
            .into_iter()
            .map(|s| MapStreet {
                rank: s.rank,
                points: s
                    .points
                    .iter()
                    .map(|p| LatLng {
                        lat: p[0],
                        lng: p[1],
                    })
                    .collect(),
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "no streets for the run sheet's map");
            Vec::new()
        }
    }
}

/// Export options for `job` with the road pack's streets on its map (see [`streets_for`]).
pub fn options_for(api: &Api, job: &JobView) -> ExportOptions {
    ExportOptions {
        streets: streets_for(api, job),
        ..ExportOptions::default()
    }
}

/// Writes a driver pack per job into `dir`, each run sheet with its own streets; a job that
/// fails does not stop the others.
pub fn write_packs(api: &Api, dir: &std::path::Path, jobs: &[JobView]) -> crate::pack::PackReport {
    let mut report = crate::pack::PackReport::default();
    for job in jobs {
        match crate::pack::write_pack(dir, job, &options_for(api, job)) {
            Ok(folder) => report.written.push(folder),
            Err(e) => report.failed.push((job.job_id.clone(), e)),
        }
    }
    report
}

/// The run sheets of `jobs` one after another in one PDF (a plan printed in one go), each map
/// with its streets.
pub fn run_sheets(api: &Api, title: &str, jobs: &[JobView]) -> Result<Vec<u8>, crate::ExportError> {
    let sheets: Vec<(Route, ExportOptions)> = jobs
        .iter()
        .map(|j| (Route::from_job(j), options_for(api, j)))
        .collect();
    pdf::run_sheets(title, &sheets)
}
