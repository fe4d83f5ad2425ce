//! What the fuzz targets share: each target is one call into here, so that a crash input
//! replays the same way through `cargo fuzz run <target> <file>`.
//!
//! - [`spec`]: the generator's whole pipeline on a spec's bytes, as `apie-codegen generate`
//!   runs it (load, normalize, model, emit, format, mock data, scope table, entry file),
//!   without writing files;
//! - [`mutate`]: structure-aware mutations of the pinned spec;
//! - [`decode`]: the client's decode of a body for any operation and status;
//! - [`mock`]: the mock's handling of a raw HTTP request, in-process;
//! - [`batch`]: `apie batch`'s input reader.

#![deny(missing_docs)]

pub mod mock;
pub mod mutate;
pub mod spec;

/// `decode` inputs: a first line `<x-operationId> <status>`, then the body. A first line
/// naming no operation still picks one (by its bytes) and a status, so that every input
/// reaches a decoder.
pub mod decode {
    /// Decodes the body of `data` for the operation and status its first line names.
    pub fn run(data: &[u8]) {
        let (operation, status, body) = split(data);
        // An error is the expected answer to most bodies; only a panic is a finding.
        let _ = api_entreprise::decode_any(operation, status, body);
    }

    /// The operation, status and body an input stands for.
    pub fn split(data: &[u8]) -> (&'static str, u16, &[u8]) {
        let (head, body) = match data.iter().position(|b| *b == b'\n') {
            Some(i) => (&data[..i], &data[i + 1..]),
            None => (data, &[][..]),
        };
        let text = String::from_utf8_lossy(head);
        let mut words = text.split_whitespace();
        let named = words.next().and_then(api_entreprise::find_operation);
        let status = words.next().and_then(|s| s.parse::<u16>().ok());
        let operations: Vec<_> = api_entreprise::all_operations().collect();
        let pick = head
            .iter()
            .fold(0usize, |a, b| a.wrapping_mul(31) ^ usize::from(*b));
        let operation = named.unwrap_or(operations[pick % operations.len()]);
        const STATUSES: [u16; 12] = [200, 206, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503];
        let status = status.unwrap_or(STATUSES[pick % STATUSES.len()]);
        (operation.operation_id, status, body)
    }
}

/// `batch_input` inputs: a mode byte (one identifier a line, a CSV column by position, a
/// CSV column by the header `siren`), a delimiter byte, then the file.
pub mod batch {
    use apie::batch_input::{read_from, Column};

    /// Reads `data` as `apie batch --input` would.
    pub fn run(data: &[u8]) {
        let (mode, delimiter, file) = match data {
            [mode, delimiter, file @ ..] => (*mode, *delimiter, file),
            _ => return,
        };
        let column = match mode % 3 {
            0 => None,
            1 => Some(Column::Index(usize::from(mode / 3 % 4) + 1)),
            _ => Some(Column::Name("siren".to_string())),
        };
        // What `--delimiter` accepts: one ASCII character other than `"` and a line break.
        let delimiter = match delimiter {
            b'"' | b'\n' => b',',
            d if d.is_ascii() => d,
            _ => b';',
        };
        let _ = read_from(file, "fuzz", column.as_ref(), delimiter);
    }
}
