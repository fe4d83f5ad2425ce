//! Which old operation is which new one.

use std::collections::HashMap;

use crate::model::Operation;

pub(super) enum Pairing<'a> {
    Matched {
        old: &'a Operation,
        new: &'a Operation,
        moved: bool,
    },
    Removed(&'a Operation),
    Added(&'a Operation),
}

impl Pairing<'_> {
    pub(super) fn sort_key(&self) -> (&str, &str) {
        let op = match self {
            Pairing::Matched { new, .. } => new,
            Pairing::Removed(op) | Pairing::Added(op) => op,
        };
        (op.path.as_str(), op.http_method.as_str())
    }
}

/// Pairs operations: same method and path, then same method and path with parameter names
/// erased, then same x-operationId (a move). What is left was removed or added.
pub(super) fn match_operations<'a>(old: &'a [Operation], new: &'a [Operation]) -> Vec<Pairing<'a>> {
    let keys: [fn(&Operation) -> String; 3] = [
        |o| format!("{} {}", o.http_method, o.path),
        |o| format!("{} {}", o.http_method, erase_parameter_names(&o.path)),
        |o| o.id.clone(),
    ];
    let mut old_left: Vec<Option<&Operation>> = old.iter().map(Some).collect();
    let mut new_left: Vec<Option<&Operation>> = new.iter().map(Some).collect();
    let mut out = Vec::new();
    for (pass, key) in keys.iter().enumerate() {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, op) in new_left.iter().enumerate() {
            if let Some(op) = op {
                index.entry(key(op)).or_default().push(i);
            }
        }
        for slot in old_left.iter_mut() {
            let Some(o) = *slot else { continue };
            let Some(candidates) = index.get_mut(&key(o)) else {
                continue;
            };
            if candidates.is_empty() {
                continue;
            }
            let i = candidates.remove(0);
            if let Some(n) = new_left.get_mut(i).and_then(Option::take) {
                out.push(Pairing::Matched {
                    old: o,
                    new: n,
                    moved: pass == 2,
                });
                *slot = None;
            }
        }
    }
    out.extend(old_left.into_iter().flatten().map(Pairing::Removed));
    out.extend(new_left.into_iter().flatten().map(Pairing::Added));
    out
}

/// `/v3/x/{siren}/y` → `/v3/x/{}/y`.
pub(crate) fn erase_parameter_names(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push(c);
            }
            '}' => {
                inside = false;
                out.push(c);
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_are_erased() {
        assert_eq!(
            erase_parameter_names("/v3/x/{siren}/y/{year}"),
            "/v3/x/{}/y/{}"
        );
        assert_eq!(
            erase_parameter_names("/v3/x/{siren_or_rna}/y/{annee}"),
            "/v3/x/{}/y/{}"
        );
        assert_eq!(erase_parameter_names("/v3/{unclosed"), "/v3/{");
        assert_eq!(erase_parameter_names("/privileges"), "/privileges");
    }
}
