//! `apie mock`: to be written (issue 3).

use std::process::ExitCode;

pub(crate) fn run(_args: &[String]) -> ExitCode {
    crate::usage(Some("apie mock is not available yet"))
}
