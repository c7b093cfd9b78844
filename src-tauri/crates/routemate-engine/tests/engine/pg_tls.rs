//! TLS to PostgreSQL (`store::kv::pg_tls`): a throw-away server of its own (Debian's
//! `postgresql`, as `tests/postgres/with-postgres.sh` starts one) with `ssl = on`, a certificate
//! made here for `localhost` by a CA made here, and a pg_hba.conf that lets in TLS connections
//! only. The engine opens its store there as `routemate serve --database URL` does
//! ([`Api::open_database`]). Skips, saying so, where PostgreSQL is not installed (CI installs it).

use routemate_engine::jobs::JobQuery;
use routemate_engine::{Api, EngineConfig, EngineError};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A PostgreSQL server in a temp dir, stopped (and deleted) on drop.
struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_root: bool,
}

impl Server {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `cmd` as the server's user (`postgres` when this runs as root: PostgreSQL refuses root).
    fn cmd(&self, program: &Path) -> Command {
        if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    /// Writes `text` into the data dir, readable by the server only.
    fn write_private(&self, name: &str, text: &str) {
        let path = self.data().join(name);
        std::fs::write(&path, text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        if self.as_root {
            let ok = Command::new("chown")
                .arg("postgres")
                .arg(&path)
                .status()
                .unwrap();
            assert!(ok.success(), "chown postgres {}", path.display());
        }
    }

    /// Starts (or restarts) the server, with TLS or without, on a free loopback port.
    fn start(&mut self, ssl: bool) {
        let ssl_opts = if ssl {
            "-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
        } else {
            "-c ssl=off"
        };
        let log = self.dir.path().join("server.log");
        for _ in 0..10 {
            self.port = free_port();
            let out = self
                .cmd(&self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "30", "-o"])
                .arg(format!(
                    "-h 127.0.0.1 -p {} -k {} {ssl_opts}",
                    self.port,
                    self.dir.path().display()
                ))
                .arg("start")
                .output()
                .unwrap();
            if out.status.success() {
                return;
            }
        }
        panic!(
            "PostgreSQL did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    fn stop(&self) {
        let _ = self
            .cmd(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "stop"])
            .output();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// PostgreSQL's newest installed bin dir, or `None` (not installed).
fn postgres_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
}

/// A CA (its certificate in PEM) and, when `server` is given, a certificate it signed for the
/// names in `server` (PEM certificate, PEM key).
struct Ca {
    pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

fn make_ca(name: &str) -> Ca {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let cert = params.self_signed(&key).unwrap();
    Ca {
        pem: cert.pem(),
        issuer: rcgen::Issuer::new(params, key),
    }
}

fn server_cert(ca: &Ca, names: &[&str]) -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = rcgen::CertificateParams::new(names).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "routemate test database");
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn job(ext: &str) -> serde_json::Value {
    json!({"external_job_id": ext, "title": "over TLS", "driver_email": "d@example.com",
           "stops": [{"external_stop_id": "S1", "lat": -27.45, "lng": 153.0}]})
}

fn open(url: &str) -> Result<(tempfile::TempDir, Api), EngineError> {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open_database(EngineConfig::new(dir.path()), url)?;
    Ok((dir, api))
}

/// The error text a user reads when the store does not open at `url`.
fn open_error(url: &str) -> String {
    match open(url) {
        Ok(_) => panic!("the store opened at {url}, expected a refusal"),
        Err(e) => {
            let msg = e.to_string();
            eprintln!("refused as expected: {msg}");
            msg
        }
    }
}

#[test]
fn the_store_opens_over_tls_as_the_urls_sslmode_and_sslrootcert_say() {
    let Some(bin) = postgres_bin() else {
        eprintln!("skipped: PostgreSQL is not installed (apt-get install postgresql)");
        return;
    };
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if as_root {
        assert!(Command::new("chown")
            .arg("postgres")
            .arg(dir.path())
            .status()
            .unwrap()
            .success());
    }
    let mut server = Server {
        dir,
        bin,
        port: 0,
        as_root,
    };
    let out = server
        .cmd(&server.bin.join("initdb"))
        .arg("-D")
        .arg(server.data())
        .args([
            "-U",
            "routemate",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The server's certificate names `localhost` only (not 127.0.0.1): verify-full checks it.
    let ca = make_ca("RouteMate test CA");
    let other_ca = make_ca("Some other CA");
    let (cert, key) = server_cert(&ca, &["localhost"]);
    server.write_private("server.crt", &cert);
    server.write_private("server.key", &key);
    // TCP connections only over TLS.
    server.write_private(
        "pg_hba.conf",
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
    );
    let files = tempfile::tempdir().unwrap();
    let ca_file = files.path().join("ca.pem");
    let other_ca_file = files.path().join("other-ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    std::fs::write(&other_ca_file, &other_ca.pem).unwrap();
    server.start(true);
    let port = server.port;
    let url =
        |host: &str, query: &str| format!("postgres://routemate@{host}:{port}/postgres{query}");

    // verify-full with the right CA: a job written is read back by a second process.
    let full = url(
        "localhost",
        &format!("?sslmode=verify-full&sslrootcert={}", ca_file.display()),
    );
    let (_d1, api) = open(&full).unwrap();
    api.import_value("acct", &job("TLS-1")).unwrap();
    let (_d2, again) = open(&full).unwrap();
    let page = again.list_jobs("acct", &JobQuery::default()).unwrap();
    let page = serde_json::to_value(&page).unwrap();
    assert!(
        page.to_string().contains("TLS-1"),
        "the job written over TLS is listed: {page}"
    );

    // A CA that did not sign the server's certificate.
    let msg = open_error(&url(
        "localhost",
        &format!(
            "?sslmode=verify-full&sslrootcert={}",
            other_ca_file.display()
        ),
    ));
    assert!(
        msg.contains("certificate does not verify under sslmode=verify-full")
            && msg.contains(&format!(
                "not signed by the CA in {}",
                other_ca_file.display()
            )),
        "{msg}"
    );

    // verify-full checks the host name (the certificate is for localhost); verify-ca does not.
    let msg = open_error(&url(
        "127.0.0.1",
        &format!("?sslmode=verify-full&sslrootcert={}", ca_file.display()),
    ));
    assert!(
        msg.contains("sslmode=verify-full") && msg.contains("not issued for the host name"),
        "{msg}"
    );
    let (_d3, _) = open(&url(
        "127.0.0.1",
        &format!("?sslmode=verify-ca&sslrootcert={}", ca_file.display()),
    ))
    .unwrap();

    // require: TLS without a certificate check (libpq's); prefer (the default) takes the TLS
    // the server offers — the server lets nothing else in.
    let (_d4, api) = open(&url("127.0.0.1", "?sslmode=require")).unwrap();
    assert_eq!(
        api.list_jobs("acct", &JobQuery::default())
            .unwrap()
            .jobs
            .len(),
        1
    );
    let (_d5, _) = open(&url("127.0.0.1", "")).unwrap();
    // …but with a CA at hand, require checks the chain (libpq's rule).
    let msg = open_error(&url(
        "127.0.0.1",
        &format!("?sslmode=require&sslrootcert={}", other_ca_file.display()),
    ));
    assert!(
        msg.contains("does not verify under sslmode=require"),
        "{msg}"
    );

    // disable, to a server that accepts only TLS.
    let msg = open_error(&url("127.0.0.1", "?sslmode=disable"));
    assert!(
        msg.contains("refused a connection without TLS")
            && msg.contains("sslmode=disable")
            && msg.contains("no pg_hba.conf entry"),
        "{msg}"
    );

    // A CA file that is missing or not PEM: refused before any connection.
    let missing = files.path().join("missing.pem");
    let msg = open_error(&url(
        "localhost",
        &format!("?sslmode=verify-full&sslrootcert={}", missing.display()),
    ));
    assert!(
        msg.contains(&missing.display().to_string()) && msg.contains("cannot be read"),
        "{msg}"
    );
    let (_, key_only) = server_cert(&ca, &["x"]);
    let not_a_cert = files.path().join("key.pem");
    std::fs::write(&not_a_cert, key_only).unwrap();
    let msg = open_error(&url(
        "localhost",
        &format!("?sslmode=verify-full&sslrootcert={}", not_a_cert.display()),
    ));
    assert!(
        msg.contains(&not_a_cert.display().to_string()) && msg.contains("not a PEM certificate"),
        "{msg}"
    );

    // The same server without TLS (and plain connections let in): require is refused, saying
    // why; prefer falls back to plain.
    server.stop();
    server.write_private(
        "pg_hba.conf",
        "local all all trust\nhost all all 127.0.0.1/32 trust\n",
    );
    server.start(false);
    let port = server.port;
    let msg = open_error(&format!(
        "postgres://routemate@127.0.0.1:{port}/postgres?sslmode=require"
    ));
    assert!(
        msg.contains("does not offer TLS, and sslmode=require requires it"),
        "{msg}"
    );
    let (_d6, api) = open(&format!(
        "postgres://routemate@127.0.0.1:{port}/postgres?sslmode=prefer"
    ))
    .unwrap();
    assert_eq!(
        api.list_jobs("acct", &JobQuery::default())
            .unwrap()
            .jobs
            .len(),
        1
    );
}
