//! Path segments and queries against the WHATWG URL parser (the `url` crate, which
//! reqwest builds every request's URL with): what the client writes is what the parser
//! keeps, and what a server decodes is what was given.

use proptest::prelude::*;
use stablemint_wire::{decode_query, encode_path_segment, encoded_path_len, percent_decode};

/// Text that URL parsers treat specially, and arbitrary Unicode.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("."),
        Just(".."),
        Just("\\"),
        Just("%2e"),
        Just("%2E"),
        Just("/"),
        Just("?"),
        Just("#"),
        Just(";"),
        Just("%"),
        Just(" "),
        Just("\t"),
        Just("\u{0}"),
        Just("ü"),
        Just("a"),
    ];
    prop_oneof![
        proptest::collection::vec(piece, 0..8).prop_map(|p| p.concat()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Under a path prefix, an encoded segment is kept by the parser exactly as written,
    /// and decodes to the value: unless the value is `.` or `..`, which the parser
    /// resolves (and the parameter check refuses).
    #[test]
    fn an_encoded_segment_survives_the_url_parser(value in text()) {
        let encoded = encode_path_segment(&value);
        prop_assert_eq!(encoded.len(), encoded_path_len(&value));
        let written = format!("/api/v1/session/{encoded}/note");
        let url = url::Url::parse(&format!("https://h.example{written}")).unwrap();
        if value == "." || value == ".." {
            prop_assert_ne!(url.path(), written);
        } else {
            prop_assert_eq!(url.path(), written.as_str());
            prop_assert_eq!(url.query(), None);
            prop_assert_eq!(url.fragment(), None);
            let decoded = percent_decode(url.path_segments().unwrap().nth(3).unwrap());
            prop_assert_eq!(decoded, Ok(value));
        }
    }

    /// What reqwest writes into a query decodes, pair by pair, to what was given.
    #[test]
    fn a_query_written_by_the_url_crate_decodes_to_its_pairs(
        pairs in proptest::collection::vec((text(), text()), 0..4),
    ) {
        let mut url = url::Url::parse("https://h.example/x").unwrap();
        for (name, value) in &pairs {
            url.query_pairs_mut().append_pair(name, value);
        }
        let decoded: Vec<(String, String)> = decode_query(url.query().unwrap_or_default())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        prop_assert_eq!(decoded, pairs);
    }
}
