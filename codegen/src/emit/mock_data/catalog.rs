//! The error catalogue: the error items of the specs' own examples, indexed the three ways the
//! mock looks them up, so that it answers what the real server says, word for word.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::normalize::Document;
use crate::profile::ErrorEnvelope;

/// Error items by code, by example name and by parameter. Each key keeps the first item seen,
/// earlier documents first, then in the document's order: the same choice whatever the
/// machine, so the emitted file is the same.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Catalog {
    /// Code (five digits) → the first item with it.
    pub by_code: BTreeMap<String, Value>,
    /// Example name (`unprocessable_content_error_siren_error`) → its first item.
    pub by_example: BTreeMap<String, Value>,
    /// `source.parameter` of a 422 item (`context`, `siren`) → the first such item.
    pub by_parameter: BTreeMap<String, Value>,
}

impl Catalog {
    /// Adds every error example of `document`, after those already in; items and their
    /// fields are where the profile's `envelope` says.
    pub(super) fn add_document(&mut self, document: &Document, envelope: &ErrorEnvelope) {
        for operation in &document.operations {
            for response in &operation.responses {
                for example in &response.examples {
                    for item in envelope.items(&example.value) {
                        self.add(envelope, &response.status, &example.name, item);
                    }
                }
            }
        }
    }

    fn add(&mut self, envelope: &ErrorEnvelope, status: &str, example: &str, item: &Value) {
        let code = match item.pointer(&envelope.code) {
            Some(Value::String(s)) => s.clone(),
            // A code written as a YAML number lost its leading zeros. (Padded as text:
            // `Number`'s `Display` ignores the width.)
            Some(Value::Number(n)) => format!("{:0>5}", n.to_string()),
            _ => return,
        };
        self.by_code.entry(code).or_insert_with(|| item.clone());
        self.by_example
            .entry(example.to_string())
            .or_insert_with(|| item.clone());
        // Only a 422 item says "this parameter is wrong"; a 404 item naming `siren` does not.
        if status == "422" {
            // JSON:API's `source: {parameter: …}`, or a source that is the name itself.
            let source = item.pointer(&envelope.source);
            if let Some(parameter) = source
                .and_then(|s| s.get("parameter"))
                .or(source)
                .and_then(Value::as_str)
            {
                self.by_parameter
                    .entry(parameter.to_string())
                    .or_insert_with(|| item.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(spec: &str) -> Document {
        let root = crate::load::load_str("t.yml", spec).unwrap();
        let files = crate::files::SpecFiles::single("t.yml", root);
        crate::normalize::normalize(&files).0.unwrap()
    }

    const SPEC: &str = r#"
openapi: 3.0.1
info: {title: t, version: '1'}
paths:
  /v3/x/{siren}:
    get:
      parameters:
      - {name: siren, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: OK
          x-operationId: api_entreprise_v3_x
        '404':
          description: absent
          content:
            application/json:
              examples:
                not_found:
                  value: {errors: [{code: '04001', title: Absent, source: {parameter: siren}}]}
        '422':
          description: invalide
          content:
            application/json:
              examples:
                unprocessable_content_error_siren_error:
                  value: {errors: [{code: 301, title: SIREN invalide, source: {parameter: siren}}]}
                second:
                  value: {errors: [{code: '00301', title: Autre, source: {parameter: siren}}]}
"#;

    #[test]
    fn items_are_indexed_by_code_example_and_422_parameter_first_seen_first() {
        let mut catalog = Catalog::default();
        let profile = crate::profile::Profile::api_entreprise();
        catalog.add_document(&document(SPEC), &profile.error_envelope);
        assert_eq!(
            catalog.by_code.keys().collect::<Vec<_>>(),
            ["00301", "04001"]
        );
        // The first item of code 00301 wins over the later one.
        assert_eq!(catalog.by_code["00301"]["title"], "SIREN invalide");
        assert_eq!(
            catalog.by_example["unprocessable_content_error_siren_error"]["code"],
            json!(301)
        );
        assert_eq!(catalog.by_example["second"]["title"], "Autre");
        // The 404 item names `siren` too, but only 422 items stand for a wrong parameter.
        assert_eq!(catalog.by_parameter["siren"]["title"], "SIREN invalide");
        assert_eq!(catalog.by_parameter.len(), 1);
    }

    #[test]
    fn another_envelope_is_read_where_the_profile_says() {
        // One error per body, its fields under other names (the fictional API's profile).
        let envelope = ErrorEnvelope {
            items: String::new(),
            code: "/erreur".into(),
            title: "/raison".into(),
            detail: "/message".into(),
            source: "/champ".into(),
            provider: "/fournisseur".into(),
            retry_in: "/reessayer_dans".into(),
        };
        let spec = r#"
openapi: 3.0.1
info: {title: t, version: '1'}
paths:
  /api/v1/etudiants/{ine}:
    get:
      parameters:
      - {name: ine, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: OK
          x-operationId: api_fictive_v1_etudiants
        '422':
          description: invalide
          content:
            application/json:
              examples:
                ine_invalide:
                  value: {erreur: E422, raison: INE invalide, champ: ine}
"#;
        let mut catalog = Catalog::default();
        catalog.add_document(&document(spec), &envelope);
        assert_eq!(catalog.by_code["E422"]["raison"], "INE invalide");
        assert_eq!(catalog.by_parameter["ine"]["erreur"], "E422");
        assert_eq!(catalog.by_example["ine_invalide"]["champ"], "ine");
    }
}
