//! The request signature.

use sha2::{Digest, Sha256};

/// The `signature` header for a request: the lowercase hex SHA-256 of
/// `"{timestamp},{api_secret},{signed_value}"`.
///
/// `timestamp` is the value sent in the `timestamp` header (Unix seconds) and
/// `signed_value` is the value the operation declares the signature covers (the request
/// body's `userId` for sessions). This is a pure function: the time is passed in, so
/// the result can be checked against known vectors.
///
/// ```
/// // printf '%s' '1700000000,secret,user-1' | sha256sum
/// assert_eq!(
///     stablemint_wire::signature(1_700_000_000, "secret", "user-1"),
///     "a93e5b22473241dd283fd094db9a119a179cd00360faa5a81a7465d54813b7c0",
/// );
/// ```
pub fn signature(timestamp: u64, api_secret: &str, signed_value: &str) -> String {
    let mut digits = [0u8; 20];
    let mut hasher = Sha256::new();
    hasher.update(decimal(timestamp, &mut digits));
    hasher.update(b",");
    hasher.update(api_secret.as_bytes());
    hasher.update(b",");
    hasher.update(signed_value.as_bytes());
    hex::encode(hasher.finalize())
}

/// `value` in decimal ASCII, written into `buffer` (u64::MAX has 20 digits).
fn decimal(mut value: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            return &buffer[start..];
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_matches_to_string() {
        for value in [0, 1, 9, 10, 1_700_000_000, u64::MAX] {
            let mut buffer = [0; 20];
            assert_eq!(
                super::decimal(value, &mut buffer),
                value.to_string().as_bytes()
            );
        }
    }
}
