//! Builds unsigned JWTs for tests: the client reads claims without checking
//! signatures, so any signature text will do.

/// `header.payload.signature`, base64url without padding.
pub fn jwt(payload: &str, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        base64url(r#"{"alg":"HS256"}"#),
        base64url(payload)
    )
}

/// A JWT expiring `seconds_from_now` from now (negative: already expired).
pub fn jwt_expiring_in(seconds_from_now: i64, signature: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    jwt(
        &format!(
            r#"{{"uid":"test","exp":{},"scopes":["entreprises","open_data"]}}"#,
            now + seconds_from_now
        ),
        signature,
    )
}

fn base64url(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
