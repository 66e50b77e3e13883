//! `cargo xtask tables [--check]`: generates the country and currency tables of
//! `stablemint-validate` from the data files in `crates/stablemint-validate/data/`
//! (their sources and dates are in that folder's README).
//!
//! The output is a pure function of the data files, so running it twice gives the same
//! bytes. With `--check` nothing is written and a stale table is an error that carries a
//! unified diff.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};

/// The crate whose tables this generates, relative to the workspace root.
const CRATE_DIR: &str = "crates/stablemint-validate";

/// Alpha-2 codes the validation policy accepts on top of ISO 3166-1 (see the policy
/// table in ARCHITECTURE.md).
///
/// `XK` is user-assigned (ISO 3166-1 leaves `XA`-`XZ` to users); the European
/// Commission, the IMF and SWIFT use it for Kosovo. It is kept out of the ISO data file
/// so that file stays a plain copy of its source.
const EXTRA_ALPHA2: &[&str] = &["XK"];

const COUNTRIES_TSV: &str = "data/iso3166-1.tsv";
const CURRENCIES_TSV: &str = "data/iso4217.tsv";
const WITHDRAWN_TSV: &str = "data/iso4217-withdrawn.tsv";
const COUNTRIES_RS: &str = "src/tables/countries.rs";
const CURRENCIES_RS: &str = "src/tables/currencies.rs";

/// Regenerates the tables (or, with `check`, verifies them) under `workspace_root`.
pub fn run(workspace_root: &Path, check: bool) -> Result<()> {
    let crate_dir = workspace_root.join(CRATE_DIR);
    let outputs = generate(&crate_dir)?;

    let mut stale = String::new();
    for (relative, contents) in &outputs {
        let path = crate_dir.join(relative);
        let shown = format!("{CRATE_DIR}/{relative}");
        if check {
            if let Some(difference) = crate::write::stale_diff(&path, contents)? {
                stale.push_str(&difference);
            }
        } else if crate::write::write_if_changed(&path, contents)? {
            println!("wrote {shown}");
        } else {
            println!("unchanged {shown}");
        }
    }
    if check && stale.is_empty() {
        println!("{CRATE_DIR} tables are up to date");
    }
    if !stale.is_empty() {
        bail!(
            "the generated validator tables do not match {CRATE_DIR}/data; \
             run `cargo xtask tables` and commit the result\n\n{stale}"
        );
    }
    Ok(())
}

/// Every generated file as (path relative to the crate, contents).
fn generate(crate_dir: &Path) -> Result<Vec<(&'static str, String)>> {
    let countries = read_countries(&crate_dir.join(COUNTRIES_TSV))?;
    let currencies = read_currencies(&crate_dir.join(CURRENCIES_TSV))?;
    let withdrawn = read_withdrawn(&crate_dir.join(WITHDRAWN_TSV), &currencies)?;
    Ok(vec![
        (COUNTRIES_RS, render_countries(&countries)),
        (CURRENCIES_RS, render_currencies(&currencies, &withdrawn)),
    ])
}

/// One active ISO 4217 code.
struct Currency {
    code: String,
    /// `None` where ISO 4217 gives no minor unit ("N.A.").
    minor_units: Option<u8>,
}

/// A withdrawn ISO 4217 code and the active codes that replaced it.
struct Withdrawn {
    code: String,
    replacements: Vec<String>,
}

/// The data rows of a tab-separated file whose first line must be `header`.
///
/// CRLF line ends (a Windows checkout) read as LF. Otherwise strict on purpose: a stray
/// carriage return, a missing column or an empty field is an error rather than something
/// to guess about.
fn read_tsv(path: &Path, header: &[&str]) -> Result<Vec<(usize, Vec<String>)>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let text = stablemint_codegen::normalize_line_endings(&text);
    ensure!(
        !text.contains('\r'),
        "{}: a carriage return outside a line end",
        path.display()
    );
    ensure!(
        text.ends_with('\n'),
        "{}: the last line needs a \\n",
        path.display()
    );
    let mut lines = text.lines().enumerate();
    let expected = header.join("\t");
    match lines.next() {
        Some((_, first)) if first == expected => {}
        _ => bail!("{}: the first line must be {expected:?}", path.display()),
    }
    let mut rows = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
        ensure!(
            fields.len() == header.len() && fields.iter().all(|f| !f.is_empty()),
            "{}:{number}: expected {} non-empty tab-separated fields",
            path.display(),
            header.len()
        );
        rows.push((number, fields));
    }
    Ok(rows)
}

/// Checks that `code` is `len` ASCII upper-case letters.
fn ensure_code(path: &Path, line: usize, code: &str, len: usize) -> Result<()> {
    ensure!(
        code.len() == len && code.bytes().all(|b| b.is_ascii_uppercase()),
        "{}:{line}: {code:?} is not {len} letters A-Z",
        path.display()
    );
    Ok(())
}

/// Checks that the codes are strictly ascending, which also rules out duplicates.
fn ensure_sorted<'a>(path: &Path, codes: impl Iterator<Item = (usize, &'a str)>) -> Result<()> {
    let mut previous: Option<&str> = None;
    for (line, code) in codes {
        if let Some(previous) = previous {
            ensure!(
                previous < code,
                "{}:{line}: {code} must come after {previous} (sorted, no duplicates)",
                path.display()
            );
        }
        previous = Some(code);
    }
    Ok(())
}

/// The accepted alpha-2 codes: the ISO data plus [`EXTRA_ALPHA2`], sorted.
fn read_countries(path: &Path) -> Result<Vec<String>> {
    let rows = read_tsv(path, &["alpha_2", "name"])?;
    for (line, fields) in &rows {
        ensure_code(path, *line, &fields[0], 2)?;
    }
    ensure_sorted(path, rows.iter().map(|(line, f)| (*line, f[0].as_str())))?;
    let mut codes: Vec<String> = rows
        .into_iter()
        .map(|(_, fields)| fields[0].clone())
        .collect();
    for extra in EXTRA_ALPHA2 {
        ensure!(
            !codes.iter().any(|c| c == extra),
            "{}: {extra} is now in the ISO data; remove it from EXTRA_ALPHA2 in xtask/src/tables.rs",
            path.display()
        );
        codes.push((*extra).to_owned());
    }
    codes.sort();
    Ok(codes)
}

fn read_currencies(path: &Path) -> Result<Vec<Currency>> {
    let rows = read_tsv(path, &["alpha_3", "numeric", "minor_units", "name"])?;
    ensure_sorted(path, rows.iter().map(|(line, f)| (*line, f[0].as_str())))?;
    let mut currencies = Vec::with_capacity(rows.len());
    for (line, fields) in rows {
        let [code, numeric, minor_units, _name] = <[String; 4]>::try_from(fields)
            .map_err(|_| anyhow::anyhow!("{}:{line}: expected 4 fields", path.display()))?;
        ensure_code(path, line, &code, 3)?;
        ensure!(
            numeric.len() == 3 && numeric.bytes().all(|b| b.is_ascii_digit()),
            "{}:{line}: numeric code {numeric:?} is not three digits",
            path.display()
        );
        let minor_units =
            match minor_units.as_str() {
                "N.A." => None,
                digits => Some(digits.parse::<u8>().ok().filter(|d| *d <= 9).with_context(
                    || {
                        format!(
                            "{}:{line}: minor unit {digits:?} is neither 0-9 nor N.A.",
                            path.display()
                        )
                    },
                )?),
            };
        currencies.push(Currency { code, minor_units });
    }
    Ok(currencies)
}

fn read_withdrawn(path: &Path, active: &[Currency]) -> Result<Vec<Withdrawn>> {
    let is_active = |code: &str| active.iter().any(|c| c.code == code);
    let rows = read_tsv(path, &["alpha_3", "replacement", "reason"])?;
    ensure_sorted(path, rows.iter().map(|(line, f)| (*line, f[0].as_str())))?;
    let mut withdrawn = Vec::with_capacity(rows.len());
    for (line, fields) in rows {
        let [code, replacement, _reason] = <[String; 3]>::try_from(fields)
            .map_err(|_| anyhow::anyhow!("{}:{line}: expected 3 fields", path.display()))?;
        ensure_code(path, line, &code, 3)?;
        ensure!(
            !is_active(&code),
            "{}:{line}: {code} is an active code in {CURRENCIES_TSV}",
            path.display()
        );
        let replacements: Vec<String> = replacement.split(' ').map(str::to_owned).collect();
        for replacement in &replacements {
            ensure!(
                is_active(replacement),
                "{}:{line}: replacement {replacement:?} is not an active code in {CURRENCIES_TSV}",
                path.display()
            );
        }
        withdrawn.push(Withdrawn { code, replacements });
    }
    Ok(withdrawn)
}

fn header(sources: &str) -> String {
    format!("// @generated by `cargo xtask tables` from {sources}. Do not edit.\n")
}

fn render_countries(codes: &[String]) -> String {
    // Row = first letter, bit = second letter: one load and one shift per lookup.
    let mut rows = [0u32; 26];
    for code in codes {
        let [first, second] = code.as_bytes() else {
            unreachable!("codes were checked to be two letters");
        };
        rows[usize::from(first - b'A')] |= 1 << (second - b'A');
    }
    let mut out = header(&format!(
        "{CRATE_DIR}/{COUNTRIES_TSV} plus {}",
        EXTRA_ALPHA2.join(", ")
    ));
    out.push_str("\npub(crate) static ALPHA2: [u32; 26] = [\n");
    for row in rows {
        let _ = writeln!(out, "    0x{:04x}_{:04x},", row >> 16, row & 0xffff);
    }
    out.push_str("];\n");
    out
}

fn render_currencies(currencies: &[Currency], withdrawn: &[Withdrawn]) -> String {
    let mut out = header(&format!(
        "{CRATE_DIR}/{CURRENCIES_TSV} and {CRATE_DIR}/{WITHDRAWN_TSV}"
    ));
    out.push_str("\nuse super::{Currency, Withdrawn};\nuse crate::MinorUnits;\n");
    let _ = write!(
        out,
        "\npub(crate) static CURRENCIES: [Currency; {}] = [\n",
        currencies.len()
    );
    for currency in currencies {
        let minor_units = match currency.minor_units {
            Some(digits) => format!("MinorUnits::Digits({digits})"),
            None => "MinorUnits::NotApplicable".to_owned(),
        };
        let _ = writeln!(
            out,
            "    Currency::new({:?}, {minor_units}),",
            currency.code
        );
    }
    let _ = write!(
        out,
        "];\n\npub(crate) static WITHDRAWN: [Withdrawn; {}] = [\n",
        withdrawn.len()
    );
    for entry in withdrawn {
        // The message names the replacement, never the rejected value.
        let message = format!(
            "withdrawn from ISO 4217: use {}",
            entry.replacements.join(" or ")
        );
        let _ = writeln!(out, "    Withdrawn::new({:?}, {message:?}),", entry.code);
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Copies the validator's data and tables under a new root, with CRLF line endings
    /// as a Windows checkout has them.
    fn crlf_copy() -> tempfile::TempDir {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(CRATE_DIR);
        let root = tempfile::tempdir().unwrap();
        for relative in [
            COUNTRIES_TSV,
            CURRENCIES_TSV,
            WITHDRAWN_TSV,
            COUNTRIES_RS,
            CURRENCIES_RS,
        ] {
            let text = fs::read_to_string(source.join(relative)).unwrap();
            let target = root.path().join(CRATE_DIR).join(relative);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, text.replace('\n', "\r\n")).unwrap();
        }
        root
    }

    #[test]
    fn crlf_tables_and_data_are_up_to_date() {
        let root = crlf_copy();
        run(root.path(), true).unwrap();
    }

    #[test]
    fn a_changed_table_is_still_found_in_a_crlf_checkout() {
        let root = crlf_copy();
        let table = root.path().join(CRATE_DIR).join(COUNTRIES_RS);
        let text = fs::read_to_string(&table).unwrap();
        fs::write(&table, text.replacen("0x02df_5978", "0x02df_5979", 1)).unwrap();
        let error = run(root.path(), true).unwrap_err().to_string();
        assert!(error.contains("run `cargo xtask tables`"), "{error}");
    }
}
