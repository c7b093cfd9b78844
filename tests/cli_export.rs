//! `routemate export` as a user runs it: one job to a file in each format, packs for several
//! jobs into a folder, and clear one-line errors (unknown job, plans not in this build).

use routemate_blackbox::{cli, cli_json, job};
use serde_json::json;

#[test]
fn export_one_job_per_format_and_packs_for_several() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("jobs.json");
    std::fs::write(&file, json!([job("EXA", 4), job("EXB", 3)]).to_string()).unwrap();
    let imported = cli_json(&data, &["import", file.to_str().unwrap()]);
    let a = imported[0]["job_id"].as_str().unwrap().to_string();
    let b = imported[1]["job_id"].as_str().unwrap().to_string();

    for (format, magic) in [
        ("pdf", &b"%PDF-"[..]),
        ("gpx", b"<?xml"),
        ("csv", b"sequence,"),
        ("xlsx", b"PK"),
    ] {
        let out = dir.path().join(format!("a.{format}"));
        let r = cli_json(
            &data,
            &[
                "export",
                &a,
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r["format"], format);
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
        assert_eq!(r["bytes"], bytes.len());
    }
    // The format follows from the file name when not given; the external id finds the job too.
    let out = dir.path().join("b.gpx");
    let r = cli_json(&data, &["export", "EXB", "--out", out.to_str().unwrap()]);
    assert_eq!(
        (r["format"].as_str(), r["job_id"].as_str()),
        (Some("gpx"), Some(b.as_str()))
    );

    let packs = dir.path().join("packs");
    let ids = format!("{a},{b}");
    let r = cli_json(
        &data,
        &["export", "--jobs", &ids, "--out", packs.to_str().unwrap()],
    );
    assert_eq!(r["failed"], 0);
    assert_eq!(r["packs"].as_array().unwrap().len(), 2);
    for p in r["packs"].as_array().unwrap() {
        let folder = std::path::PathBuf::from(p.as_str().unwrap());
        assert!(folder.starts_with(&packs));
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 4);
    }

    // Errors: one line each, nothing written.
    let nowhere = dir.path().join("x.pdf");
    let r = cli(
        &data,
        &["export", "nope", "--out", nowhere.to_str().unwrap()],
    );
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("not found"));
    assert!(!nowhere.exists());
    let r = cli(
        &data,
        &[
            "export",
            &a,
            "--out",
            dir.path().join("x.docx").to_str().unwrap(),
        ],
    );
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("--format"));
    let r = cli(
        &data,
        &["export", "--plan", "P1", "--out", packs.to_str().unwrap()],
    );
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("plan P1 not found"));
}
