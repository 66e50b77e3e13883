//! `stablemint::signature` against vectors computed independently with `sha256sum`
//! (see the header of `tests/data/signature-vectors.tsv`).

#[test]
fn signature_vectors() {
    let table = include_str!("data/signature-vectors.tsv");
    let mut checked = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [timestamp, secret, user_id, expected] = columns[..] else {
            panic!("malformed vector line: {line:?}");
        };
        let timestamp: u64 = timestamp.parse().unwrap();
        assert_eq!(
            stablemint::signature(timestamp, secret, user_id),
            expected,
            "signature({timestamp}, {secret:?}, {user_id:?})"
        );
        checked += 1;
    }
    // ASCII, non-ASCII, commas in the userId, empty strings, u64::MAX.
    assert_eq!(checked, 7);
}

#[test]
fn signature_is_lowercase_hex_of_32_bytes() {
    let s = stablemint::signature(1, "a", "b");
    assert_eq!(s.len(), 64);
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}
