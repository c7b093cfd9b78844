//! Driver packs: one folder per job with the four files, written atomically (no temporary file
//! left behind), overwritten in place when written again.

use crate::support::{engine, job};
use routemate_export::pack::{pack_name, write_packs, PACK_FILES};
use routemate_export::ExportOptions;

#[test]
fn packs_for_several_jobs_hold_every_file_and_nothing_else() {
    let (api, _dir) = engine();
    let jobs: Vec<_> = (0..3)
        .map(|i| job(&api, &format!("PACK-{i}"), 8, false))
        .collect();
    let out = tempfile::tempdir().unwrap();
    let report = write_packs(out.path(), &jobs, &ExportOptions::default());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.written.len(), 3);
    for j in &jobs {
        let folder = out.path().join(pack_name(j));
        assert_eq!(pack_name(j), format!("2026-11-30_{}", j.external_job_id));
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut want: Vec<String> = PACK_FILES.iter().map(|(_, n)| n.to_string()).collect();
        want.sort();
        assert_eq!(names, want);
        let pdf = std::fs::read(folder.join("run-sheet.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
    // Written again (a re-import): same files, replaced.
    let again = write_packs(out.path(), &jobs[..1], &ExportOptions::default());
    assert!(again.failed.is_empty());
    assert_eq!(std::fs::read_dir(&again.written[0]).unwrap().count(), 4);
}

#[test]
fn a_pack_folder_that_cannot_be_written_is_reported_per_job() {
    let (api, _dir) = engine();
    let jobs = vec![job(&api, "PACK-X", 3, false)];
    let out = tempfile::tempdir().unwrap();
    // A file where the folder should be.
    let blocked = out.path().join("blocked");
    std::fs::write(&blocked, b"not a folder").unwrap();
    let report = write_packs(&blocked, &jobs, &ExportOptions::default());
    assert!(report.written.is_empty());
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].1.code(), "export_io_failed");
}
