//! The facts about generated code that the rule table's Rust levels rest on, checked
//! against progenitor 0.15.1 and typify 0.8: method signatures with the positional
//! interface, types and builders through this crate's own pipeline.

use std::path::Path;

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

/// A spec with one operation `POST /a`; `operation` is the YAML of its fields after
/// `operationId`, indented by six spaces.
fn spec(operation: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      \
         operationId: doA\n{operation}components:\n  schemas:\n    \
         Req:\n      type: object\n      required: [r]\n      properties:\n        \
         r: {{type: string}}\n        o: {{type: string}}\n        \
         k: {{type: string, enum: [x, y], example: example-text-in-the-spec}}\n    \
         Resp: {{type: object, properties: {{s: {{type: string}}, e: {{type: string, enum: [p, q]}}}}}}\n    \
         Err: {{type: object, properties: {{m: {{type: string}}}}}}\n"
    )
}

const BODY: &str = "      requestBody:\n        required: true\n        content:\n          \
                    application/json:\n            schema: {$ref: '#/components/schemas/Req'}\n";
const OK: &str = "      responses:\n        '200':\n          description: ok\n          \
                  content:\n            application/json:\n              \
                  schema: {$ref: '#/components/schemas/Resp'}\n";

/// progenitor's positional client for `source`, formatted; its error or panic message.
fn positional(source: &str) -> Result<String, String> {
    let value: serde_json::Value = serde_yaml::from_str(source).unwrap();
    let spec: openapiv3::OpenAPI = serde_json::from_value(value).unwrap();
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged);
    let outcome = std::panic::catch_unwind(|| Generator::new(&settings).generate_tokens(&spec));
    match outcome {
        Ok(Ok(tokens)) => Ok(prettyplease::unparse(&syn::parse2(tokens).unwrap())),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("progenitor panicked".into()),
    }
}

/// The signature of `do_a`, on one line without spaces.
fn signature(code: &str) -> String {
    let start = code.find("pub async fn do_a").expect("a do_a method");
    let end = start + code[start..].find('{').unwrap();
    code[start..end].split_whitespace().collect()
}

#[test]
fn an_optional_parameter_is_a_positional_option_argument() {
    let params = "      parameters:\n        - {name: q, in: query, required: true, schema: {type: string}}\n";
    let code = positional(&spec(&format!("{params}{BODY}{OK}"))).unwrap();
    assert!(
        signature(&code).contains("q:&'astr,body:&'atypes::Req"),
        "{}",
        signature(&code)
    );

    let optional = params.replace("required: true", "required: false");
    let code = positional(&spec(&format!("{optional}{BODY}{OK}"))).unwrap();
    // new-optional-request-parameter, request-parameter-became-optional: the argument
    // appears, or its type becomes an Option.
    assert!(
        signature(&code).contains("q:Option<&'astr>,body:&'atypes::Req"),
        "{}",
        signature(&code)
    );

    let code = positional(&spec(&format!("{BODY}{OK}"))).unwrap();
    assert!(
        signature(&code).contains("(&'aself,body:&'atypes::Req,)"),
        "{}",
        signature(&code)
    );
}

#[test]
fn an_optional_body_is_taken_like_a_required_one() {
    let required = positional(&spec(&format!("{BODY}{OK}"))).unwrap();
    let optional = positional(&spec(&format!(
        "{}{OK}",
        BODY.replace("required: true", "required: false")
    )))
    .unwrap();
    // request-body-became-optional: the signature does not change.
    assert_eq!(signature(&required), signature(&optional));
    assert!(signature(&optional).contains("body:&'atypes::Req"));
    // request-body-added-optional: without a body there is no body argument.
    let none = positional(&spec(OK)).unwrap();
    assert!(!signature(&none).contains("body"), "{}", signature(&none));
}

#[test]
fn a_deprecated_operation_is_not_marked() {
    let code = positional(&spec(&format!("      deprecated: true\n{BODY}{OK}"))).unwrap();
    assert!(
        !code.contains("deprecated"),
        "endpoint-deprecated changes nothing in Rust"
    );
}

#[test]
fn the_method_is_named_after_the_operation_id() {
    let code = positional(&spec(&format!("{BODY}{OK}"))).unwrap();
    assert!(code.contains("pub async fn do_a<"));
}

#[test]
fn success_responses_must_share_one_body() {
    let same = format!(
        "{BODY}{OK}        '201':\n          description: ok\n          content:\n            \
         application/json:\n              schema: {{$ref: '#/components/schemas/Resp'}}\n"
    );
    let code = positional(&spec(&same)).unwrap();
    assert!(
        signature(&code).contains("->Result<ResponseValue<types::Resp>,Error<()>>"),
        "{}",
        signature(&code)
    );
    // response-success-status-added with another body: progenitor cannot generate.
    let other = format!("{BODY}{OK}        '202':\n          description: accepted\n");
    assert_eq!(positional(&spec(&other)), Err("progenitor panicked".into()));
}

#[test]
fn the_error_type_follows_the_error_bodies() {
    let bare = format!("{BODY}{OK}        '400':\n          description: bad\n");
    let code = positional(&spec(&bare)).unwrap();
    assert!(
        signature(&code).ends_with("Error<()>>"),
        "{}",
        signature(&code)
    );
    let with_body = format!(
        "{BODY}{OK}        '400':\n          description: bad\n          content:\n            \
         application/json:\n              schema: {{$ref: '#/components/schemas/Err'}}\n"
    );
    let code = positional(&spec(&with_body)).unwrap();
    // response-non-success-status-added with a body: the error type changes.
    assert!(
        signature(&code).ends_with("Error<types::Err>>"),
        "{}",
        signature(&code)
    );
    let both = format!("{with_body}        '500':\n          description: oops\n");
    assert_eq!(positional(&spec(&both)), Err("progenitor panicked".into()));
}

/// What makes `POST /a` an operation of this project: the signature headers and the
/// declaration of the signed field.
const SIGNED: &str = "      x-stablemint: {signedField: r}\n      parameters:\n        \
                      - {name: api_key, in: header, required: true, schema: {type: string}}\n        \
                      - {name: timestamp, in: header, required: true, schema: {type: integer}}\n        \
                      - {name: signature, in: header, required: true, schema: {type: string}}\n";

/// This crate's own pipeline (positional client, with typify's struct builders spliced
/// in).
fn project(source: &str) -> String {
    stablemint_codegen::generate_from_str(source, Path::new("claims.yaml"))
        .unwrap()
        .client
}

#[test]
fn builders_and_exhaustiveness() {
    let code = project(&spec(&format!("{SIGNED}{BODY}{OK}")));
    let compact: String = code.split_whitespace().collect();
    // request-property-became-optional: the field becomes `Option<T>`, so code reading
    // it as `T` breaks; the setter takes the same inputs either way (`IntoOptional`).
    assert!(compact.contains(
        "pubfnr<T>(mutself,value:T)->SelfwhereT:::std::convert::TryInto<::std::string::String>,"
    ));
    assert!(compact.contains(
        "pubfno<T>(mutself,value:T)->SelfwhereT:crate::IntoOptional<::std::string::String>,"
    ));
    assert!(compact.contains("pubo:::std::option::Option<::std::string::String>,"));
    // new-optional-request-property, request-property-enum-value-added: structs and
    // enums are #[non_exhaustive], so new fields and variants break no caller.
    assert!(compact.contains("#[non_exhaustive]pubstructReq{"), "struct");
    assert!(compact.contains("#[non_exhaustive]pubenumReqK{"), "enum");
    // A request enum stays closed: nothing the spec does not list is sent.
    let variants = &compact[compact.find("pubenumReqK{").unwrap()..];
    let variants = &variants[..variants.find('}').unwrap()];
    assert!(
        variants.contains("X,") && variants.contains("Y,") && !variants.contains("Unknown"),
        "{variants}"
    );
    // response-property-enum-value-added: a response enum takes any other value into
    // `Unknown`, so an answer with a new value decodes.
    let variants = &compact[compact.find("pubenumRespE{").unwrap()..];
    let variants = &variants[..variants.find('}').unwrap()];
    assert!(
        variants.ends_with("#[serde(untagged)]Unknown(::std::string::String),"),
        "{variants}"
    );
    assert_eq!(compact.matches("untagged").count(), 1);
    // response-required-property-added: a struct with no required field derives
    // `Default`, and one with a required field does not, so the first required field
    // takes `Default` away.
    let derives = |name: &str| {
        let end = compact.find(&format!("pubstruct{name}{{")).unwrap();
        let start = compact[..end].rfind("#[derive(").unwrap();
        compact[start..end].to_owned()
    };
    assert!(derives("Resp").contains("Default"), "{}", derives("Resp"));
    assert!(!derives("Req").contains("Default"), "{}", derives("Req"));
    // example-changed: examples do not reach the generated code.
    assert!(!code.contains("example-text-in-the-spec"));
}
