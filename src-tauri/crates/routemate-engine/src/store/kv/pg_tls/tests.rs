//! The URL and sslmode rules of [`super`]: parameters split off both URL forms, modes and
//! checks as libpq reads them, where the CA comes from.

use super::*;

fn split(url: &str) -> (String, Option<String>, Option<String>) {
    let p = split_tls_params(url);
    (p.url, p.sslmode, p.rootcert)
}

#[test]
fn the_url_form_loses_sslmode_and_sslrootcert_and_keeps_the_rest() {
    assert_eq!(
        split("postgres://u:p%3Fw@db:5432/rm?sslmode=verify-full&application_name=x&sslrootcert=%2Fetc%2Fca%201.pem"),
        (
            "postgres://u:p%3Fw@db:5432/rm?application_name=x".into(),
            Some("verify-full".into()),
            Some("/etc/ca 1.pem".into())
        )
    );
    assert_eq!(
        split("postgresql://db/rm?sslmode=require"),
        ("postgresql://db/rm".into(), Some("require".into()), None)
    );
    assert_eq!(
        split("postgres://db/rm"),
        ("postgres://db/rm".into(), None, None)
    );
    // The last one counts, as in libpq.
    assert_eq!(
        split("postgres://db/rm?sslmode=disable&sslmode=verify-ca").1,
        Some("verify-ca".into())
    );
}

#[test]
fn the_key_value_form_loses_sslmode_and_sslrootcert_and_keeps_the_rest() {
    assert_eq!(
        split("host=db  password='a b\\'c' sslmode = verify-ca sslrootcert='/etc/my ca.pem' dbname=rm"),
        (
            "host=db password='a b\\'c' dbname=rm".into(),
            Some("verify-ca".into()),
            Some("/etc/my ca.pem".into())
        )
    );
    // Not pairs: left for tokio-postgres to refuse.
    assert_eq!(split("host=db sslmode").0, "host=db sslmode");
}

#[test]
fn the_mode_and_the_check_follow_libpq() {
    let t = PgTls::new("postgres://db/rm", None).unwrap();
    assert_eq!((t.mode, t.check), (SslMode::Prefer, Check::Nothing));
    let t = PgTls::new("postgres://db/rm?sslmode=disable", None).unwrap();
    assert_eq!((t.mode, t.check), (SslMode::Disable, Check::Nothing));
    let t = PgTls::new("postgres://db/rm?sslmode=require", None).unwrap();
    assert_eq!((t.mode, t.check), (SslMode::Require, Check::Nothing));
    let mut config = tokio_postgres::Config::new();
    t.configure(&mut config);
    assert_eq!(config.get_ssl_mode(), PgSslMode::Require);

    let err = PgTls::new("postgres://db/rm?sslmode=verify-all", None).unwrap_err();
    assert!(err.to_string().contains("sslmode=\"verify-all\""), "{err}");
    let err = PgTls::new("postgres://db/rm?sslmode=allow", None).unwrap_err();
    assert!(matches!(err, TlsSetupError::AllowMode), "{err}");
    let err = PgTls::new("postgres://db/rm?sslrootcert=system&sslmode=require", None).unwrap_err();
    assert!(
        matches!(
            err,
            TlsSetupError::WeakModeWithSystemRoots(SslMode::Require)
        ),
        "{err}"
    );
}

#[test]
fn the_ca_comes_from_the_url_before_the_environment_and_must_be_pem() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let not_pem = dir.path().join("notpem.pem");
    std::fs::write(&not_pem, "just some text\n").unwrap();

    let err = PgTls::new(
        "postgres://db/rm?sslmode=verify-full",
        Some(missing.clone()),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(&missing.display().to_string())
            && msg.contains(CA_ENV)
            && msg.contains("cannot be read"),
        "{msg}"
    );
    // The URL's sslrootcert wins over the environment's.
    let url = format!(
        "postgres://db/rm?sslmode=verify-ca&sslrootcert={}",
        not_pem.display()
    );
    let err = PgTls::new(&url, Some(missing)).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            TlsSetupError::CaNotPem {
                from: "sslrootcert",
                ..
            }
        ),
        "{msg}"
    );
    assert!(
        msg.contains(&not_pem.display().to_string()) && msg.contains("not a PEM"),
        "{msg}"
    );

    // A CA makes require check the chain (libpq).
    let ca = rcgen::generate_simple_self_signed(vec!["ca.test".into()]).unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.cert.pem()).unwrap();
    let t = PgTls::new("postgres://db/rm?sslmode=require", Some(ca_file)).unwrap();
    assert_eq!(t.check, Check::Chain);
    assert!(t.describe().contains(CA_ENV), "{}", t.describe());
}
