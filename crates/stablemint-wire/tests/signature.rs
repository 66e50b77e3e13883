//! `signature` against vectors computed independently with `sha256sum` (see the header
//! of `tests/data/signature-vectors.tsv`).

#[test]
fn signature_vectors() {
    let table = include_str!("data/signature-vectors.tsv");
    let mut checked = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [timestamp, secret, signed_value, expected] = columns[..] else {
            panic!("malformed vector line: {line:?}");
        };
        let timestamp: u64 = timestamp.parse().unwrap();
        assert_eq!(
            stablemint_wire::signature(timestamp, secret, signed_value),
            expected,
            "signature({timestamp}, {secret:?}, {signed_value:?})"
        );
        checked += 1;
    }
    // ASCII, non-ASCII, commas in the signed value, empty strings, u64::MAX.
    assert_eq!(checked, 7);
}

#[test]
fn signature_is_lowercase_hex_of_32_bytes() {
    let s = stablemint_wire::signature(1, "a", "b");
    assert_eq!(s.len(), 64);
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}
