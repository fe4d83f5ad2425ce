//! Error bodies, taken from the spec's own error examples so the mock says what the real
//! server says, word for word. The catalogue is the one the API's crate's build emitted
//! ([`Examples::errors`]), one table per error envelope. Where the spec has no example for a situation
//! (an unknown route, a bad `recipient`, a missing monitoring parameter), the mock answers in
//! the same format with the code `00` + HTTP status, the pattern of the spec's own `00429`.

use std::collections::HashMap;

use api_entreprise::runtime::{ErrorEnvelope, ErrorExamples, Examples, IdentifierKind};
use serde_json::{json, Map, Value};

use crate::MockError;

/// The error items of the specs' examples, one [`Errors`] per error envelope: an operation
/// is answered in its own spec's envelope
/// ([`OperationMeta::error_envelope`](api_entreprise::runtime::OperationMeta::error_envelope)).
#[derive(Debug)]
pub(crate) struct ErrorCatalog {
    /// One per envelope; the platform's own envelope always has one (the first when the
    /// root spec uses it).
    sets: Vec<Errors>,
    /// The platform's envelope, for answers of no operation.
    platform: ErrorEnvelope,
}

impl ErrorCatalog {
    /// No item: every answer is the mock's own, in `platform`'s envelope.
    #[cfg(test)]
    pub(crate) fn empty(platform: ErrorEnvelope) -> ErrorCatalog {
        ErrorCatalog {
            sets: vec![Errors::empty(platform)],
            platform,
        }
    }

    /// The catalogue `api`'s crate emitted, parsed.
    pub(crate) fn compiled(api: crate::MockApi) -> Result<ErrorCatalog, MockError> {
        Self::from_examples(api.examples, api.platform.error_envelope)
    }

    fn from_examples(
        examples: &Examples,
        platform: ErrorEnvelope,
    ) -> Result<ErrorCatalog, MockError> {
        let mut sets = examples
            .errors
            .iter()
            .map(Errors::compiled)
            .collect::<Result<Vec<_>, _>>()?;
        if !sets.iter().any(|s| s.envelope == platform) {
            sets.push(Errors::empty(platform));
        }
        Ok(ErrorCatalog { sets, platform })
    }

    /// The items of the specs whose answers are in `envelope`; an envelope no spec uses gets
    /// the platform's items (only a hand-made operation has one).
    pub(crate) fn for_envelope(&self, envelope: &ErrorEnvelope) -> &Errors {
        self.sets
            .iter()
            .find(|s| s.envelope == *envelope)
            .unwrap_or_else(|| self.platform())
    }

    /// The items in the platform's envelope: for an answer that is no operation's (an
    /// unknown route, a document).
    pub(crate) fn platform(&self) -> &Errors {
        // `compiled` and `empty` always hold the platform's set.
        self.sets
            .iter()
            .find(|s| s.envelope == self.platform)
            .unwrap_or(&self.sets[0])
    }

    /// How many distinct codes the specs' examples hold, all envelopes together.
    pub(crate) fn len(&self) -> usize {
        let codes: std::collections::HashSet<&String> =
            self.sets.iter().flat_map(|s| s.by_code.keys()).collect();
        codes.len()
    }
}

/// The error items of the specs that share one envelope, indexed the three ways the mock
/// needs them, and the mock's own items in that envelope.
#[derive(Debug)]
pub(crate) struct Errors {
    /// Where these items hold their fields.
    envelope: ErrorEnvelope,
    /// Code → the first item seen with it.
    by_code: HashMap<String, Value>,
    /// Example name (`unprocessable_content_error_siren_error`) → its first item.
    by_example: HashMap<String, Value>,
    /// `source.parameter` of a 422 item (`context`, `siren`) → the first such item.
    by_parameter: HashMap<String, Value>,
}

impl Errors {
    fn empty(envelope: ErrorEnvelope) -> Errors {
        Errors {
            envelope,
            by_code: HashMap::new(),
            by_example: HashMap::new(),
            by_parameter: HashMap::new(),
        }
    }

    fn compiled(set: &ErrorExamples) -> Result<Errors, MockError> {
        Ok(Errors {
            envelope: set.envelope,
            by_code: parse_table("ERRORS.by_code", set.by_code)?,
            by_example: parse_table("ERRORS.by_example", set.by_example)?,
            by_parameter: parse_table("ERRORS.by_parameter", set.by_parameter)?,
        })
    }

    /// The mock's own item for a situation the spec has no example of, in this envelope.
    pub(crate) fn own_item(&self, status: u16, detail: &str, parameter: Option<&str>) -> Value {
        own_item(&self.envelope, status, detail, parameter)
    }

    /// An error body holding `items`, in this envelope.
    pub(crate) fn body(&self, items: Vec<Value>) -> Value {
        body(&self.envelope, items)
    }

    /// The item of `code`, else the mock's own carrying `code`.
    pub(crate) fn by_code(&self, code: &str, status: u16, detail: &str) -> Value {
        self.by_code.get(code).cloned().unwrap_or_else(|| {
            let mut item = self.own_item(status, detail, None);
            put(&mut item, self.envelope.code, json!(code));
            item
        })
    }

    /// The 422 item for a missing traceability parameter (`context`, `recipient`, `object`):
    /// the spec's item whose `source.parameter` names it.
    pub(crate) fn missing_parameter(&self, name: &str) -> Value {
        self.by_parameter.get(name).cloned().unwrap_or_else(|| {
            self.own_item(
                422,
                &format!("Le paramètre {name} est obligatoire"),
                Some(name),
            )
        })
    }

    /// The 422 item for a malformed path identifier of kind `kind` named `name` in the path:
    /// the spec's `unprocessable_content_error_<kind>_error` example, else its 422 item about
    /// `name`.
    pub(crate) fn invalid_identifier(&self, kind: IdentifierKind, name: &str) -> Value {
        let example = format!("unprocessable_content_error_{}_error", kind_name(kind));
        self.by_example
            .get(&example)
            .or_else(|| self.by_parameter.get(name))
            .filter(|item| !is_missing_item(&self.envelope, item))
            .cloned()
            .unwrap_or_else(|| {
                self.own_item(
                    422,
                    &format!("Le paramètre {name} n'est pas correctement formatté"),
                    Some(name),
                )
            })
    }
}

/// An emitted `(key, JSON text)` table as a map. Text that is not JSON is a generator bug.
pub(crate) fn parse_table(
    name: &str,
    table: &[(&str, &str)],
) -> Result<HashMap<String, Value>, MockError> {
    table
        .iter()
        .map(|(key, text)| Ok((key.to_string(), parse_json(name, key, text)?)))
        .collect()
}

/// One emitted JSON text, parsed.
pub(crate) fn parse_json(table: &str, key: &str, text: &str) -> Result<Value, MockError> {
    serde_json::from_str(text).map_err(|e| {
        MockError::Internal(format!(
            "the client's mock data {table}[{key}] is not JSON ({e}): a bug in apie-codegen"
        ))
    })
}

/// `SiretOrRna` → `siret_or_rna`, the spelling of the spec's example names. The variant's
/// `Debug` name is the runtime type's name, which is how the generator names the kinds.
fn kind_name(kind: IdentifierKind) -> String {
    snake(&format!("{kind:?}"))
}

/// A 422 item about a missing parameter, which must not stand for a malformed one.
fn is_missing_item(envelope: &ErrorEnvelope, item: &Value) -> bool {
    item.pointer(envelope.detail)
        .and_then(Value::as_str)
        .is_some_and(|d| d.contains("obligatoire"))
}

/// `SiretOrRna` → `siret_or_rna`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// An item in `envelope` (an operation's, or the platform's
/// [`error_envelope`](api_entreprise::runtime::Platform::error_envelope)) for a
/// situation the spec has no example of.
pub(crate) fn own_item(
    envelope: &ErrorEnvelope,
    status: u16,
    detail: &str,
    parameter: Option<&str>,
) -> Value {
    let title = match status {
        401 => "Interdit",
        403 => "Privilèges insuffisants",
        404 => "Entité non trouvée",
        405 => "Méthode non autorisée",
        422 => "Entité non traitable",
        429 => "Trop de requêtes",
        502 => "Erreur du fournisseur",
        503 => "Service non disponible",
        504 => "Intermédiaire hors-délai",
        _ => "Erreur",
    };
    let mut item = Value::Object(Map::new());
    put(&mut item, envelope.code, json!(format!("00{status:03}")));
    put(&mut item, envelope.title, json!(title));
    put(&mut item, envelope.detail, json!(detail));
    // Every field the envelope names is there, as in the server's own items: the source is
    // null without a parameter, the provider's object (`meta`) empty.
    let source = parameter.map_or(Value::Null, |p| json!({ "parameter": p }));
    put(&mut item, envelope.source, source);
    if let Some((parent, _)) = envelope.provider.rsplit_once('/') {
        put(&mut item, parent, Value::Object(Map::new()));
    }
    item
}

/// An error body holding `items`, in `envelope`: under its `items` pointer
/// (`{"errors": items}`), or the first item alone when the envelope's body is one error.
pub(crate) fn body(envelope: &ErrorEnvelope, items: Vec<Value>) -> Value {
    if envelope.items.is_empty() {
        return items.into_iter().next().unwrap_or_else(|| json!({}));
    }
    let mut body = Value::Object(Map::new());
    put(&mut body, envelope.items, Value::Array(items));
    body
}

/// Sets `value` at the JSON pointer `pointer` of `target`, making the objects on the way; a
/// pointer through a non-object, or the empty pointer, sets nothing (the profile's check
/// makes every envelope pointer start with `/`).
fn put(target: &mut Value, pointer: &str, value: Value) {
    let Some(path) = pointer.strip_prefix('/') else {
        return;
    };
    let mut keys: Vec<String> = path
        .split('/')
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some(last) = keys.pop() else {
        return;
    };
    let mut here = target;
    for key in keys {
        let Value::Object(map) = here else {
            return;
        };
        here = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = here {
        map.insert(last, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_become_example_names() {
        assert_eq!(kind_name(IdentifierKind::SiretOrRna), "siret_or_rna");
        assert_eq!(snake("SiretOrRna"), "siret_or_rna");
        assert_eq!(snake("Siren"), "siren");
        assert_eq!(snake("SirenOrSiretOrRna"), "siren_or_siret_or_rna");
    }

    #[test]
    fn put_makes_the_objects_on_the_way() {
        let mut v = json!({"a": 1});
        put(&mut v, "/meta/provider", json!("INSEE"));
        put(&mut v, "/x~1y", json!(2));
        assert_eq!(v, json!({"a": 1, "meta": {"provider": "INSEE"}, "x/y": 2}));
        put(&mut v, "/a/b", json!(3));
        assert_eq!(v["a"], 1, "a pointer through a number sets nothing");
    }

    #[test]
    fn own_items_are_read_back_by_the_client() {
        let envelope = &api_entreprise::platform::ERROR_ENVELOPE;
        let body = body(
            envelope,
            vec![own_item(envelope, 422, "x", Some("recipient"))],
        );
        let items = envelope.read(&body);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].code, "00422");
        assert_eq!(items[0].detail, "x");
    }

    #[test]
    fn own_items_follow_the_api_format() {
        let errors = ErrorCatalog::empty(api_entreprise::PLATFORM.error_envelope);
        let errors = errors.platform();
        let item = errors.own_item(404, "rien", None);
        assert_eq!(item["code"], "00404");
        assert_eq!(item["title"], "Entité non trouvée");
        assert!(item["source"].is_null());
        assert_eq!(
            errors.own_item(422, "x", Some("recipient"))["source"]["parameter"],
            "recipient"
        );
    }

    #[test]
    fn lookups_fall_back_to_own_items() {
        let catalog = ErrorCatalog::empty(api_entreprise::PLATFORM.error_envelope);
        assert_eq!(catalog.len(), 0);
        let catalog = catalog.platform();
        // The mock's own item carries the code asked for, not one made from the status.
        assert_eq!(catalog.by_code("00101", 401, "x")["code"], "00101");
        assert_eq!(catalog.by_code("00101", 401, "x")["title"], "Interdit");
        assert_eq!(catalog.missing_parameter("context")["code"], "00422");
        assert_eq!(
            catalog.invalid_identifier(IdentifierKind::Rna, "rna")["code"],
            "00422"
        );
    }

    #[test]
    fn one_error_per_body_is_answered_in_its_own_envelope() {
        // The fictional API's older spec: one error per body, its fields under other names.
        let envelope = ErrorEnvelope {
            items: "",
            code: "/erreur",
            title: "/raison",
            detail: "/message",
            source: "/champ",
            provider: "/fournisseur",
            retry_in: "/reessayer_dans",
        };
        let errors = Errors::empty(envelope);
        let body = errors.body(vec![errors.by_code("cle_invalide", 401, "clé absente")]);
        assert_eq!(body["erreur"], "cle_invalide");
        assert_eq!(body["message"], "clé absente");
        let items = envelope.read(&body);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].code, "cle_invalide");
        assert!(errors.missing_parameter("recipient")["message"]
            .as_str()
            .unwrap()
            .contains("recipient"));
    }

    #[test]
    fn the_compiled_catalogue_holds_the_spec_items() {
        let catalog = ErrorCatalog::compiled(crate::MockApi::default()).unwrap();
        assert!(catalog.len() > 100, "{}", catalog.len());
        let catalog = catalog.platform();
        assert_eq!(
            catalog.by_code(api_entreprise::PLATFORM.error_codes.invalid_token, 401, "x")["title"],
            "Interdit"
        );
        assert_eq!(catalog.missing_parameter("context")["code"], "00201");
        assert_eq!(
            catalog.invalid_identifier(IdentifierKind::SiretOrRna, "siret_or_rna")["code"],
            "00303"
        );
    }
}
