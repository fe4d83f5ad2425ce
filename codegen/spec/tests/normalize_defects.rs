//! Parts of a spec the generator cannot honour are reported, never dropped silently, and a
//! postcode typed `number` with `format: string` stays a string.

use apie_spec::diagnostic::{Diagnostic, Severity};
use apie_spec::model::{Api, OptionLocation, TypeKind, TypeRef};
use apie_spec::Loaded;

/// A spec with one operation whose body is `operation` (indented under `post:`/`get:`).
fn spec(method: &str, operation: &str) -> String {
    format!(
        "openapi: 3.0.1\ninfo:\n  title: T\n  version: '1'\npaths:\n  /v3/x:\n    {method}:\n      operationId: api_entreprise_v3_x\n{operation}      responses:\n        '200':\n          description: OK\n"
    )
}

fn load(file: &str, text: &str) -> Loaded {
    apie_spec::model_from_str(file, text.as_bytes()).unwrap_or_else(|d| panic!("{d}"))
}

/// The warnings of kind `kind`.
fn warnings<'a>(loaded: &'a Loaded, kind: &str) -> Vec<&'a Diagnostic> {
    loaded
        .diagnostics
        .items()
        .iter()
        .filter(|d| d.kind == kind)
        .inspect(|d| assert_eq!(d.severity, Severity::Warning, "{d}"))
        .collect()
}

fn option_ty<'a>(api: &'a Api, name: &str) -> &'a TypeRef {
    let op = &api.operations[0];
    &op.options
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no option {name} in {:?}", op.options))
        .ty
}

#[test]
fn request_body_is_reported_as_ignored() {
    let text = spec(
        "post",
        "      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              type: object\n",
    );
    let loaded = load("body.yml", &text);
    let found = warnings(&loaded, "request-body-ignored");
    assert_eq!(found.len(), 1, "{}", loaded.diagnostics);
    let d = found[0];
    assert!(d.message.contains("POST /v3/x"), "{d}");
    assert!(d.message.contains("cannot send it"), "{d}");
    assert_eq!(d.pointer, "/paths/~1v3~1x/post/requestBody");
    assert!(d.position.line >= 9, "{d}");
    // Otherwise the operation is generated as before.
    assert_eq!(loaded.api.operations.len(), 1);
    assert_eq!(loaded.api.operations[0].http_method, "POST");
}

/// A request body is read whole, through its `$ref`: required or not, every media type, the
/// JSON schema typed in the model (for the diff), named after its operation.
#[test]
fn a_request_body_is_read_into_the_model() {
    let text = spec(
        "post",
        "      requestBody:\n        $ref: '#/components/requestBodies/Demande'\n",
    ) + "components:\n  requestBodies:\n    Demande:\n      required: true\n      content:\n        application/x-www-form-urlencoded:\n          schema: {type: object}\n        application/json:\n          schema:\n            type: object\n            required: [siren]\n            properties:\n              siren: {type: string}\n              montant: {type: integer}\n";
    let loaded = load("ref.yml", &text);
    let body = loaded.api.operations[0]
        .request_body
        .as_ref()
        .expect("a request body");
    assert!(body.required);
    assert_eq!(
        body.media_types,
        ["application/x-www-form-urlencoded", "application/json"]
    );
    let Some(TypeRef::Named(name)) = &body.json else {
        panic!("a named JSON body: {body:?}")
    };
    assert_eq!(name, "XRequestBody");
    let ty = loaded.api.types.iter().find(|t| &t.name == name).unwrap();
    let TypeKind::Struct(fields) = &ty.kind else {
        panic!("{ty:?}")
    };
    let required: Vec<(&str, bool)> = fields
        .iter()
        .map(|f| (f.json_name.as_str(), f.required))
        .collect();
    assert_eq!(required, [("siren", true), ("montant", false)]);
}

#[test]
fn no_request_body_no_warning() {
    let loaded = load("plain.yml", &spec("get", ""));
    assert!(
        warnings(&loaded, "request-body-ignored").is_empty(),
        "{}",
        loaded.diagnostics
    );
}

/// A cookie parameter is an option of the call, sent in the `Cookie` header, as a query
/// parameter is sent in the query: no warning, nothing left out.
#[test]
fn a_cookie_parameter_is_an_option_of_the_call() {
    let text = spec(
        "get",
        "      parameters:\n        - name: session\n          in: cookie\n          required: true\n          schema:\n            type: string\n        - name: recherche\n          in: query\n          schema:\n            type: string\n",
    );
    let loaded = load("cookie.yml", &text);
    assert!(
        loaded.diagnostics.items().is_empty(),
        "{}",
        loaded.diagnostics
    );
    let options: Vec<(&str, OptionLocation, bool)> = loaded.api.operations[0]
        .options
        .iter()
        .map(|o| (o.name.as_str(), o.location, o.required))
        .collect();
    assert_eq!(
        options,
        [
            ("recherche", OptionLocation::Query, false),
            ("session", OptionLocation::Cookie, true),
        ]
    );
}

#[test]
fn a_path_level_cookie_parameter_is_an_option_of_each_operation() {
    let text = "openapi: 3.0.1\ninfo:\n  title: T\n  version: '1'\npaths:\n  /v3/x:\n    parameters:\n      - name: session\n        in: cookie\n        schema:\n          type: string\n    get:\n      operationId: api_entreprise_v3_x\n      responses:\n        '200':\n          description: OK\n    delete:\n      operationId: api_entreprise_v3_x_delete\n      responses:\n        '200':\n          description: OK\n";
    let loaded = load("path-cookie.yml", text);
    assert_eq!(loaded.api.operations.len(), 2);
    for op in &loaded.api.operations {
        let cookies: Vec<&str> = (op.options.iter())
            .filter(|o| o.location == OptionLocation::Cookie)
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(cookies, ["session"], "{}", op.http_method);
    }
}

#[test]
fn number_with_string_format_parameter_is_a_string() {
    let text = spec(
        "get",
        "      parameters:\n        - name: code_postal\n          in: query\n          schema:\n            type: number\n            format: string\n            example: '01000'\n        - name: montant\n          in: query\n          schema:\n            type: number\n            format: double\n",
    );
    let loaded = load("postcode.yml", &text);
    assert_eq!(option_ty(&loaded.api, "code_postal"), &TypeRef::String);
    // Other number formats are numbers still.
    assert_eq!(option_ty(&loaded.api, "montant"), &TypeRef::Number);
    let found = warnings(&loaded, "number-with-string-format");
    assert_eq!(found.len(), 1, "{}", loaded.diagnostics);
    assert_eq!(found[0].pointer, "/paths/~1v3~1x/get/parameters/0/schema");
    assert!(found[0].message.contains("string"), "{}", found[0]);
}

#[test]
fn number_with_string_format_field_is_a_string() {
    let text = "openapi: 3.0.1\ninfo:\n  title: T\n  version: '1'\npaths:\n  /v3/x:\n    get:\n      operationId: api_entreprise_v3_x\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  code_postal:\n                    type: number\n                    format: string\n                  surface:\n                    type: number\n";
    let loaded = load("postcode-field.yml", text);
    let fields = loaded
        .api
        .types
        .iter()
        .find_map(|t| match &t.kind {
            TypeKind::Struct(fields) if fields.iter().any(|f| f.json_name == "code_postal") => {
                Some(fields)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct with code_postal in {:?}", loaded.api.types));
    let ty = |name: &str| &fields.iter().find(|f| f.json_name == name).unwrap().ty;
    assert_eq!(ty("code_postal"), &TypeRef::String);
    assert_eq!(ty("surface"), &TypeRef::Number);
    assert_eq!(
        warnings(&loaded, "number-with-string-format").len(),
        1,
        "{}",
        loaded.diagnostics
    );
}

/// A spec whose 200 answer is `schema` (indented under `schema:`), with `components`.
fn spec_with_components(schema: &str, parameters: &str, components: &str) -> String {
    format!(
        "openapi: 3.0.1\ninfo:\n  title: T\n  version: '1'\npaths:\n  /v3/x:\n    get:\n      operationId: api_entreprise_v3_x\n{parameters}      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n{schema}components:\n{components}"
    )
}

#[test]
fn a_recursive_schema_stops_with_an_untyped_value_and_a_warning() {
    // A tree (`Node.children[]` is a `Node`), and two schemas that refer to each other.
    let text = spec_with_components(
        "                $ref: '#/components/schemas/Node'\n",
        "",
        "  schemas:\n    Node:\n      type: object\n      properties:\n        name:\n          type: string\n        children:\n          type: array\n          items:\n            $ref: '#/components/schemas/Node'\n        other:\n          $ref: '#/components/schemas/Other'\n    Other:\n      type: object\n      properties:\n        back:\n          $ref: '#/components/schemas/Node'\n",
    );
    let loaded = load("recursive.yml", &text);
    let found = warnings(&loaded, "recursive-schema");
    assert_eq!(found.len(), 2, "{}", loaded.diagnostics);
    for d in &found {
        assert!(d.message.contains("#/components/schemas/Node"), "{d}");
        assert!(d.position.line > 20, "{d}");
    }
    assert_eq!(loaded.api.operations.len(), 1);
}

#[test]
fn a_chain_of_refs_that_does_not_end_is_an_error_with_its_position() {
    let text = spec_with_components(
        "                type: object\n",
        "      parameters:\n        - $ref: '#/components/parameters/A'\n",
        "  parameters:\n    A:\n      $ref: '#/components/parameters/B'\n    B:\n      $ref: '#/components/parameters/A'\n",
    );
    let Err(diagnostics) = apie_spec::model_from_str("cycle.yml", text.as_bytes()) else {
        panic!("a $ref cycle is an error");
    };
    let cycle = diagnostics
        .items()
        .iter()
        .find(|d| d.kind == "ref-cycle")
        .unwrap_or_else(|| panic!("{diagnostics}"));
    assert_eq!(cycle.severity, Severity::Error);
    assert!(cycle.message.contains("does not end"), "{cycle}");
    assert_eq!(cycle.position.line, 10, "the `- $ref` line: {cycle}");
    assert!(cycle.to_string().contains("cycle.yml:10"), "{cycle}");
}

/// A success body of any media type (`*/*`) is read as JSON, as a JSON client reads it; an
/// XML one is left untyped, with a warning, never silently.
#[test]
fn success_bodies_of_other_media_types() {
    let response = |media: &str| {
        format!(
            "openapi: 3.0.1\ninfo:\n  title: T\n  version: '1'\npaths:\n  /v3/x:\n    get:\n      operationId: api_entreprise_v3_x\n      responses:\n        '200':\n          description: OK\n          content:\n            {media}:\n              schema:\n                type: object\n                properties:\n                  siren: {{type: string}}\n"
        )
    };
    let any = load("any.yml", &response("'*/*'"));
    assert!(
        any.api.operations[0].success.is_some(),
        "{}",
        any.diagnostics
    );
    assert_eq!(any.api.operations[0].success_media_types, ["*/*"]);
    let xml = load("xml.yml", &response("application/xml"));
    assert!(xml.api.operations[0].success.is_none());
    let found = warnings(&xml, "non-json-response");
    assert_eq!(found.len(), 1, "{}", xml.diagnostics);
    assert!(found[0].message.contains("application/xml"), "{}", found[0]);
}

/// `allOf` of one non-object (3.0's way to describe a `$ref` beside it) is that type; an
/// object mixed with a string stays untyped, with a warning.
#[test]
fn all_of_a_single_non_object_is_that_type() {
    let text = spec_with_components(
        "                type: object\n                properties:\n                  etat:\n                    description: L'état administratif.\n                    allOf:\n                      - $ref: '#/components/schemas/Etat'\n                  code:\n                    allOf:\n                      - type: string\n                      - maxLength: 5\n                  melange:\n                    allOf:\n                      - type: string\n                      - type: object\n                        properties:\n                          a: {type: string}\n",
        "",
        "  schemas:\n    Etat:\n      type: string\n      enum: [A, F]\n",
    );
    let loaded = load("all-of.yml", &text);
    let fields = loaded
        .api
        .types
        .iter()
        .find_map(|t| match &t.kind {
            TypeKind::Struct(fields) if fields.iter().any(|f| f.json_name == "etat") => {
                Some(fields)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct with etat in {:?}", loaded.api.types));
    let ty = |name: &str| {
        let ty = &fields.iter().find(|f| f.json_name == name).unwrap().ty;
        match ty {
            TypeRef::Nullable(inner) => (**inner).clone(),
            other => other.clone(),
        }
    };
    let TypeRef::Named(etat) = ty("etat") else {
        panic!("etat is {:?}", ty("etat"))
    };
    let etat = loaded.api.types.iter().find(|t| t.name == etat).unwrap();
    assert!(
        matches!(&etat.kind, TypeKind::Enum(v) if v.len() == 2),
        "{etat:?}"
    );
    assert_eq!(ty("code"), TypeRef::String);
    assert_eq!(ty("melange"), TypeRef::Any);
    let found = warnings(&loaded, "untyped-composition");
    assert_eq!(found.len(), 1, "{}", loaded.diagnostics);
    assert!(found[0].pointer.ends_with("/melange"), "{}", found[0]);
}
