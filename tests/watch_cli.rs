//! The watched folder and job files from the command line: `routemate import FILE.csv`,
//! `routemate serve --watch DIR`.

use routemate_blackbox::{bin, cli, cli_json};
use std::time::{Duration, Instant};

#[test]
fn import_accepts_csv_and_names_bad_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let good = tmp.path().join("morning.csv");
    std::fs::write(
        &good,
        "\u{feff}Order ID;Delivery Address;Parcels;Lat;Lng\nA;\"1 George St; Brisbane\";2;-27,47;153,02\nB;2 Ann St;1;-27,46;153,03\n",
    )
    .unwrap();
    let out = cli_json(&data, &["import", good.to_str().unwrap()]);
    assert_eq!(
        out[0]["external_job_id"], "morning",
        "the file name is the job id"
    );
    assert_eq!(out[0]["stop_count"], 2);
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "stop_id,address,parcels\nA,x,1\nB,y,-3\n").unwrap();
    let out = cli(&data, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Row 3, column \"parcels\""), "{err}");
    assert!(err.contains("nothing imported"), "{err}");
}

#[test]
fn serve_with_watch_imports_dropped_files() {
    assert!(bin().exists());
    let tmp = tempfile::tempdir().unwrap();
    let (data, dir) = (tmp.path().join("data"), tmp.path().join("drop"));
    std::fs::create_dir(&dir).unwrap();
    let log = tmp.path().join("serve.log");
    let mut child = std::process::Command::new(bin())
        .arg("--data")
        .arg(&data)
        .args(["serve", "--listen", "127.0.0.1:0", "--watch"])
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    std::fs::write(
        tmp.path().join("x.csv"),
        "job,stop,address,lat,lng\nW1,A,x,-27.4,153.0\n",
    )
    .unwrap();
    std::fs::rename(tmp.path().join("x.csv"), dir.join("x.csv")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dir.join("imported/x.csv.result.json").exists() {
        assert!(
            Instant::now() < deadline,
            "not imported; log: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
    let job = cli_json(&data, &["jobs", "--external-job-id", "W1"]);
    assert_eq!(job["stop_count"], 1);
}

#[test]
fn watch_on_a_missing_folder_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-folder");
    let out = cli(
        &tmp.path().join("data"),
        &["watch", missing.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not exist or is not a folder"), "{err}");
    assert!(err.contains("no-such-folder"), "{err}");
}
