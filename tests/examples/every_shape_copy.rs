//! Prepares, in the directory given, a copy of the repository whose spec has the
//! operations of `tests/fixtures/every-shape.yaml`, generated anew, and beside it the
//! downstream crate `every_shape` built against that copy. Prints the copy's spec and
//! the crate's manifest, one per line, for `scripts/schemathesis.sh`.
//!
//!     cargo run -p stablemint-tests --example every_shape_copy -- target/every-shape

use std::path::PathBuf;

use stablemint_tests::downstream::{
    add_every_shape, copy_repository_to, downstream_crate, generate,
};

fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: every_shape_copy <directory>");
        std::process::exit(2);
    };
    if dir.exists()
        && let Err(error) = std::fs::remove_dir_all(&dir)
    {
        eprintln!("cannot empty {}: {error}", dir.display());
        std::process::exit(1);
    }
    // The downstream crate names the copy's crates by path: absolute, so that it builds
    // from anywhere.
    let dir = match std::path::absolute(&dir) {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("cannot resolve {}: {error}", dir.display());
            std::process::exit(1);
        }
    };
    let root = dir.join("repository");
    copy_repository_to(&root);
    add_every_shape(&root);
    generate(&root);
    let manifest = downstream_crate("every_shape", &root, &dir.join("downstream"));
    println!("{}", root.join("openapi/stablemint.yaml").display());
    println!("{}", manifest.display());
}
