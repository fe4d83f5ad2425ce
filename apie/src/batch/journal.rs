//! The output file: one JSON line per identifier, appended as each call
//! ends, and read back to resume.
//!
//! Each line is written with a single `write` of the whole line and its
//! newline on an unbuffered file, so the file holds complete lines only,
//! except after a crash in the middle of that write: resuming then drops
//! the truncated last line and calls its identifier again.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use api_entreprise::runtime::{ApiResponse, Error};
use serde::Serialize;
use serde_json::Value;

/// One line of the output.
#[derive(Debug, Serialize)]
pub(crate) struct Record {
    /// The identifier as read from the input (trimmed).
    pub(crate) identifier: String,
    /// HTTP status, `null` when the server did not answer.
    pub(crate) status: Option<u16>,
    /// `true` on a 206: some providers failed, part of the data is missing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) partial: bool,
    /// On a 206, the paths whose value was "Donnée indisponible" (now null
    /// in `body`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) unavailable: Vec<String>,
    /// The answer, on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<Value>,
    /// What went wrong, on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<Failure>,
}

/// The `error` object of a failed identifier.
#[derive(Debug, Serialize)]
pub(crate) struct Failure {
    /// `validation`, `api`, `throttled`, `timeout`, `transport`, `decode`,
    /// `maintenance` (with `--maintenance fail`), `config` or `other`.
    pub(crate) kind: &'static str,
    /// The error in plain words.
    pub(crate) message: String,
    /// API Entreprise error codes (`"04501"`), empty when there are none.
    pub(crate) codes: Vec<String>,
}

impl Record {
    /// A successful answer.
    pub(crate) fn success(identifier: String, response: ApiResponse<Value>) -> Record {
        Record {
            identifier,
            status: Some(response.status),
            partial: response.partial,
            unavailable: response.unavailable,
            body: Some(response.body),
            error: None,
        }
    }

    /// A failed call, or an identifier refused before sending.
    pub(crate) fn failure(identifier: String, error: &Error) -> Record {
        let codes = match error {
            Error::Api(api) => api
                .errors
                .iter()
                .map(|e| e.code.clone())
                .filter(|c| !c.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        Record {
            identifier,
            status: error.status(),
            partial: false,
            unavailable: Vec::new(),
            body: None,
            error: Some(Failure {
                kind: kind(error),
                message: error.to_string(),
                codes,
            }),
        }
    }

    /// The API's error codes of a failure (none for a success).
    pub(crate) fn codes(&self) -> &[String] {
        self.error.as_ref().map_or(&[], |e| e.codes.as_slice())
    }

    /// The error kind, when this records a failure.
    pub(crate) fn error_kind(&self) -> Option<&'static str> {
        self.error.as_ref().map(|e| e.kind)
    }
}

/// The `kind` of an error, for scripts to filter on.
fn kind(error: &Error) -> &'static str {
    match error {
        Error::Validation(_) => "validation",
        Error::Api(api) if api.status == 429 => "throttled",
        Error::Throttled { .. } => "throttled",
        Error::Api(_) => "api",
        Error::Decode(_) => "decode",
        Error::Timeout { .. } => "timeout",
        Error::Transport { .. } => "transport",
        Error::Config(_) => "config",
        Error::Maintenance { .. } => "maintenance",
        Error::BodyTooLarge { .. } => "too_large",
        _ => "other",
    }
}

/// What an existing output file already holds.
#[derive(Debug, Default)]
pub(crate) struct Resumed {
    /// Identifiers already recorded.
    pub(crate) done: HashSet<String>,
    /// The incomplete last line to cut off, if any (its beginning, for
    /// the message).
    pub(crate) dropped: Option<String>,
    /// Bytes to keep: up to the end of the last complete record.
    keep: u64,
    /// Bytes found.
    len: u64,
}

/// The output file, open for appending.
#[derive(Debug)]
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Reads what an existing output holds, changing nothing: its
    /// records, and an incomplete last line (no newline, or not a record)
    /// to cut off. Any other line that is not a record refuses the file,
    /// as appending to something else would mix two files' content.
    pub(crate) fn resume(path: &Path) -> Result<Resumed, String> {
        let name = path.display();
        let mut resumed = Resumed::default();
        match std::fs::read(path) {
            Ok(bytes) => {
                let keep = scan(&bytes, &mut resumed).map_err(|e| format!("{name}: {e}"))?;
                resumed.keep = keep as u64;
                resumed.len = bytes.len() as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot read the output {name}: {e}")),
        }
        Ok(resumed)
    }

    /// Opens `path` for appending, creating it if needed, after cutting
    /// off the incomplete last line `resumed` found.
    pub(crate) fn open(path: &Path, resumed: &Resumed) -> Result<Journal, String> {
        let name = path.display();
        if resumed.keep < resumed.len {
            OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|f| f.set_len(resumed.keep))
                .map_err(|e| format!("cannot cut the incomplete last line of {name}: {e}"))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open the output {name}: {e}"))?;
        Ok(Journal {
            file,
            path: path.to_owned(),
        })
    }

    /// Appends one record as one line, handed to the system at once.
    pub(crate) fn append(&mut self, record: &Record) -> Result<(), String> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| format!("cannot encode the record of {}: {e}", record.identifier))?;
        line.push(b'\n');
        // One write of the whole line: an interruption between two calls of
        // this function never leaves half a line.
        self.file
            .write_all(&line)
            .map_err(|e| format!("cannot write to {}: {e}", self.path.display()))
    }
}

/// Reads the records of `bytes` into `resumed` and returns how many bytes
/// to keep: everything up to the last complete record.
fn scan(bytes: &[u8], resumed: &mut Resumed) -> Result<usize, String> {
    let mut start = 0;
    let mut number = 0;
    while start < bytes.len() {
        number += 1;
        let (line, end, complete) = match bytes[start..].iter().position(|b| *b == b'\n') {
            Some(i) => (&bytes[start..start + i], start + i + 1, true),
            None => (&bytes[start..], bytes.len(), false),
        };
        let is_last = end == bytes.len();
        if line.iter().all(u8::is_ascii_whitespace) {
            if !complete {
                return Ok(start);
            }
            start = end;
            continue;
        }
        match identifier_of(line) {
            Some(identifier) if complete => {
                resumed.done.insert(identifier);
            }
            // The last line was being written when the batch stopped.
            _ if is_last => {
                let text = String::from_utf8_lossy(line);
                let shown: String = text.chars().take(60).collect();
                resumed.dropped = Some(shown);
                return Ok(start);
            }
            _ => {
                return Err(format!(
                    "line {number} is not a record of `apie batch`: refusing to append to this \
                     file; give another --out"
                ))
            }
        }
        start = end;
    }
    Ok(bytes.len())
}

/// The `identifier` of a record line, if it is one.
fn identifier_of(line: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(line).ok()? {
        Value::Object(mut map) => match map.remove("identifier")? {
            Value::String(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> (Result<usize, String>, Resumed) {
        let mut resumed = Resumed::default();
        (scan(text.as_bytes(), &mut resumed), resumed)
    }

    #[test]
    fn keeps_complete_records_and_cuts_a_truncated_last_line() {
        let full = "{\"identifier\":\"1\"}\n{\"identifier\":\"2\"}\n";
        let (keep, resumed) = scanned(full);
        assert_eq!(keep, Ok(full.len()));
        assert_eq!(resumed.done.len(), 2);
        assert!(resumed.dropped.is_none());

        let cut = format!("{full}{{\"identifier\":\"3\",\"sta");
        let (keep, resumed) = scanned(&cut);
        assert_eq!(keep, Ok(full.len()));
        assert_eq!(resumed.done.len(), 2);
        assert!(resumed.dropped.is_some());

        // Complete JSON but no newline: the write did not finish.
        let (keep, resumed) = scanned(&format!("{full}{{\"identifier\":\"3\"}}"));
        assert_eq!(keep, Ok(full.len()));
        assert!(!resumed.done.contains("3"));

        // A last line with its newline but cut inside: dropped too.
        let (keep, _) = scanned(&format!("{full}{{\"ident\n"));
        assert_eq!(keep, Ok(full.len()));
    }

    #[test]
    fn refuses_a_file_that_is_not_a_batch_output() {
        let (keep, _) = scanned("hello\n{\"identifier\":\"1\"}\n");
        assert!(keep.unwrap_err().contains("line 1"));
    }
}
