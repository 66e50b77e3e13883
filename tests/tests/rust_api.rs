//! The public Rust API of the generated code (`stablemint_raw` and the generated part of
//! `stablemint`): review this snapshot's diff whenever the spec, progenitor, typify or
//! the generator changes.

#[test]
fn rust_api() {
    insta::assert_snapshot!("rust_api", stablemint_tests::generate().rust_api);
}

/// The lines of `a` that `b` does not have.
fn only_in<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    a.lines()
        .filter(|line| !b.lines().any(|other| other == *line))
        .collect()
}

/// The listing follows the generator, not only the spec: with typify's own conversion
/// for `format: date` (`chrono::naive::NaiveDate`) instead of the generator's `String`,
/// and the spec untouched, exactly the field and the builder setter of `dateOfBirth`
/// differ from the listing `cargo xtask gen` makes (which [`rust_api`] holds to the
/// committed snapshot). Compared with the listing made now rather than with the file, so
/// that a run that updates the snapshot (`INSTA_UPDATE=always`) passes in one go.
#[test]
fn a_generator_setting_alone_changes_the_listing() {
    let spec = stablemint_tests::spec_path();
    let source = std::fs::read_to_string(&spec).unwrap();
    let mut settings = stablemint_codegen::Settings::default();
    settings.chrono_dates = true;
    let changed = stablemint_codegen::generate_with(&source, &spec, &settings)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        changed.surface,
        stablemint_tests::generate().surface,
        "the setting changed the spec's surface, so the test proves nothing"
    );

    let committed = stablemint_tests::generate().rust_api;
    assert_eq!(
        only_in(&committed, &changed.rust_api),
        [
            "stablemint_raw field types::UserKyc::date_of_birth: Option<String>",
            "stablemint_raw fn types::builder::UserKyc::date_of_birth<T>(self, value: T) -> Self \
             where T: IntoOptional<String>",
        ]
    );
    assert_eq!(
        only_in(&changed.rust_api, &committed),
        [
            "stablemint_raw field types::UserKyc::date_of_birth: \
             Option<chrono::naive::NaiveDate>",
            "stablemint_raw fn types::builder::UserKyc::date_of_birth<T>(self, value: T) -> Self \
             where T: IntoOptional<chrono::naive::NaiveDate>",
        ]
    );
}
