//! `apie call`: to be written (issue 3).

use std::process::ExitCode;

pub(crate) fn run(_args: &[String]) -> ExitCode {
    crate::usage(Some("apie call is not available yet"))
}
