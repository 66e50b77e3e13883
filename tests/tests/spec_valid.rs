//! `openapi/stablemint.yaml` passes a standard OpenAPI 3.0 validator that nobody here
//! wrote: the Python `openapi-spec-validator`, installed by `scripts/python-env.sh`.

use std::process::Command;

use stablemint_tests::{spec_path, workspace_root};

#[test]
fn spec_passes_openapi_spec_validator() {
    let setup = Command::new(workspace_root().join("scripts/python-env.sh"))
        .output()
        .expect("cannot run scripts/python-env.sh");
    assert!(
        setup.status.success(),
        "scripts/python-env.sh failed:\n{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let venv = String::from_utf8(setup.stdout).unwrap();
    let validator = std::path::Path::new(venv.trim()).join("bin/openapi-spec-validator");
    let output = Command::new(validator).arg(spec_path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.trim_end().ends_with(": OK"),
        "openapi-spec-validator rejected the spec:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
