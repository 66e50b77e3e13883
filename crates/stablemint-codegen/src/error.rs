use std::fmt;
use std::path::{Path, PathBuf};

/// Why generation failed: the spec file and one sentence about the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CodegenError {
    path: PathBuf,
    problem: String,
}

impl CodegenError {
    pub(crate) fn new(path: &Path, problem: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            problem: problem.into(),
        }
    }

    /// The spec file that could not be turned into code.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is wrong with it, and where possible how to fix it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}
