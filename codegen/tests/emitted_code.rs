//! Snapshots of the emitted code, one small spec per construct and per published quirk.
//! Each snapshot names in its first line what it guards, then holds the diagnostics of the
//! run and only the generated items its fixture is about (the model of a `type: date`
//! quirk, the operation's metadata for a deprecated route…): the rest of the file is the
//! same in every fixture and would hide the point. Every fixture's whole generated crate is
//! compiled too (`every_fixture_compiles_as_a_crate`).

use apie_codegen::generate_from_str;

#[path = "emitted_code/focus.rs"]
mod focus;

/// A spec in the API's style around `paths` (and optional `components`).
fn spec(paths: &str, components: &str) -> String {
    format!(
        "openapi: 3.0.1\ninfo:\n  title: Fixture\n  version: 1.0.0\npaths:\n{paths}\ncomponents:\n  securitySchemes:\n    jwt_bearer_token:\n      type: http\n      scheme: bearer\n{components}"
    )
}

/// The traceability parameters every data route takes.
const TRACEABILITY: &str = "
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string";

/// A GET route on `path` whose 200 response has `x-operationId: id` and the body `schema`
/// (indented for its place), with the path parameter `param`.
fn route(path: &str, id: &str, param: &str, schema: &str) -> String {
    format!(
        "  \"{path}\":
    get:
      summary: Route {id}
      security:
      - jwt_bearer_token: []
      parameters:
      - name: {param}
        in: path
        required: true
        schema:
          type: string{TRACEABILITY}
      responses:
        '200':
          description: OK
          x-operationId: {id}
          content:
            application/json:
              schema:
{schema}"
    )
}

/// Indents a schema written at column 0 to sit under `schema:` in [`route`].
fn body(schema: &str) -> String {
    schema
        .lines()
        .map(|l| format!("                {l}\n"))
        .collect()
}

/// A spec with one v3 route on `{siren}` answering `schema`.
fn one_route(schema: &str) -> String {
    spec(
        &route("/v3/x/{siren}", "api_entreprise_v3_x", "siren", schema),
        "",
    )
}

fn snapshot(text: &str) -> String {
    match generate_from_str("fixture.yml", text.as_bytes()) {
        Ok(generated) => format!("{}\n{}", generated.diagnostics, generated.code),
        Err(diagnostics) => panic!("fixture does not generate:\n{diagnostics}"),
    }
}

/// One fixture: its snapshot's name, what it guards, its spec, the items it is about.
struct Fixture {
    name: &'static str,
    guards: &'static str,
    spec: fn() -> String,
    items: &'static [&'static str],
}

/// Every fixture, each with what its snapshot guards and the items it is about.
const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "object_with_scalars_arrays_and_nesting",
        guards: "an object's scalars, nullable and required fields, arrays and nested objects become typed fields documented from the spec",
        spec: object_with_scalars_arrays_and_nesting,
        items: &["models::*"],
    },
    Fixture {
        name: "every_presence_round_trips_and_the_undeclared_map_keeps_its_name",
        guards: "each way a field may be there (always, maybe null, maybe absent, both) gets the type and serde attributes that write it back as sent; a property named `undeclared` does not take the undeclared map's name",
        spec: every_presence_round_trips_and_the_undeclared_map_keeps_its_name,
        items: &["models::XResponse"],
    },
    Fixture {
        name: "enums_keep_unknown_values",
        guards: "string enums keep values the spec does not list (an `Unknown` variant), a nullable enum is an Option, `type` is a raw identifier",
        spec: enums_keep_unknown_values,
        items: &["models::*"],
    },
    Fixture {
        name: "a_json_request_body_is_sent",
        guards: "a JSON request body is a typed argument when the spec requires it (a setter otherwise), sent by the request builder; the structs it holds get a `new` taking their required fields",
        spec: a_json_request_body_is_sent,
        items: &["models::DemandesRequestBody", "impl models::DemandesRequestBody", "models::Beneficiaire", "impl v3::Operations", "impl v3::DemandesRequest"],
    },
    Fixture {
        name: "additional_properties_become_a_map",
        guards: "an object of any keys whose values have one schema (`additionalProperties`) becomes a `BTreeMap<String, T>` of typed values; `additionalProperties: false` beside properties leaves the struct as it is",
        spec: additional_properties_become_a_map,
        items: &["models::*"],
    },
    Fixture {
        name: "one_of_becomes_an_enum_of_its_alternatives",
        guards: "`oneOf`/`anyOf` become an untagged enum, one variant per alternative named by its `$ref`, title or kind, tried in the spec's order, with `Other` for a value none reads; `{type: 'null'}` among them makes the field nullable; a `type` list of scalars is one of them too",
        spec: one_of_becomes_an_enum_of_its_alternatives,
        items: &["models::*"],
    },
    Fixture {
        name: "dates_and_date_times",
        guards: "`format: date` and `date-time` become the runtime's ApiDate and ApiDateTime",
        spec: dates_and_date_times,
        items: &["models::InseeEtablissementsResponse"],
    },
    Fixture {
        name: "deprecated_document_route_with_maintenance",
        guards: "a deprecated route is `#[deprecated]`, a document route is in the documents group with its limit and timeout, `x-maintenances` reaches the operation's metadata",
        spec: deprecated_document_route_with_maintenance,
        items: &["operations::API_ENTREPRISE_V3_DGFIP_ATTESTATIONS_FISCALES", "impl v3::Operations"],
    },
    Fixture {
        name: "error_codes_from_examples",
        guards: "the error codes of a route's examples become variants of ErrorCode with their status, title and provider",
        spec: error_codes_from_examples,
        items: &["errors::ErrorCode", "impl errors::ErrorCode"],
    },
    Fixture {
        name: "same_shapes_merge_and_different_shapes_get_qualified_names",
        guards: "the same shape under two routes is one type; a different shape under the same name gets a qualified name",
        spec: same_shapes_merge_and_different_shapes_get_qualified_names,
        items: &["models::*"],
    },
    Fixture {
        name: "optional_query_and_header_parameters",
        guards: "optional query and header parameters become builder methods (an enum parameter takes its enum; a deprecated one's setter is `#[deprecated]`), path parameters typed identifiers, all in the operation's metadata",
        spec: optional_query_and_header_parameters,
        items: &["operations::API_ENTREPRISE_V3_GIP_MDS_EFFECTIFS_ANNUELS_ENTREPRISE", "v3::GipMdsEffectifsAnnuelsEntrepriseRequest", "impl v3::GipMdsEffectifsAnnuelsEntrepriseRequest"],
    },
    Fixture {
        name: "quirk_missing_operation_id",
        guards: "a route without operationId nor x-operationId is named from its method and path, with a warning",
        spec: quirk_missing_operation_id,
        items: &["operations::ALL", "impl v3::Operations"],
    },
    Fixture {
        name: "quirk_type_date",
        guards: "the published `type: date` is read as a string of format date (an optional ApiDate), with a warning",
        spec: quirk_type_date,
        items: &["models::XResponse"],
    },
    Fixture {
        name: "quirk_nullable_enum_without_null",
        guards: "a nullable enum whose values omit null is an optional enum, with a warning",
        spec: quirk_nullable_enum_without_null,
        items: &["models::*"],
    },
    Fixture {
        name: "quirk_http_scheme_with_apikey_fields",
        guards: "an http scheme carrying apiKey fields still sends `Authorization: Bearer`, with a warning",
        spec: quirk_http_scheme_with_apikey_fields,
        items: &["operations::API_ENTREPRISE_V3_X"],
    },
    Fixture {
        name: "quirk_null_items_in_array_example",
        guards: "an array example holding nulls makes its items optional (Vec<Option<String>>), with a warning",
        spec: quirk_null_items_in_array_example,
        items: &["models::XResponse"],
    },
    Fixture {
        name: "quirk_required_names_undeclared_property",
        guards: "`required` naming an undeclared property is ignored for it, with a warning; the declared one stays required",
        spec: quirk_required_names_undeclared_property,
        items: &["models::XResponse"],
    },
    Fixture {
        name: "quirk_schemas_without_type",
        guards: "schemas without a type are read from what they hold (properties: an object, items: an array, enum: strings), with warnings",
        spec: quirk_schemas_without_type,
        items: &["models::*"],
    },
    Fixture {
        name: "quirk_yaml_1_1_boolean_in_string_enum",
        guards: "an enum value a YAML 1.1 writer turned into a boolean (`NO` → false) is read back as the string, with a warning",
        spec: quirk_yaml_1_1_boolean_in_string_enum,
        items: &["models::*"],
    },
    Fixture {
        name: "quirk_response_with_examples_but_no_schema",
        guards: "a response with examples and no schema gets no typed body (raw JSON), with a warning",
        spec: quirk_response_with_examples_but_no_schema,
        items: &["::SuccessBody"],
    },
    Fixture {
        name: "quirk_unknown_type_numeric",
        guards: "an unknown type (`numeric`) is kept as raw JSON, with a warning",
        spec: quirk_unknown_type_numeric,
        items: &["models::XResponse"],
    },
];

/// The snapshot of `fixture`: what it guards, the diagnostics, the items it is about.
fn focused(fixture: &Fixture) -> String {
    let text = (fixture.spec)();
    match generate_from_str("fixture.yml", text.as_bytes()) {
        Ok(generated) => format!(
            "guards: {}\n\n{}\n{}",
            fixture.guards,
            generated.diagnostics,
            focus::focus(&generated.code, fixture.items)
        ),
        Err(diagnostics) => panic!("{} does not generate:\n{diagnostics}", fixture.name),
    }
}

#[test]
fn each_fixture_shows_the_items_it_is_about() {
    for fixture in FIXTURES {
        insta::assert_snapshot!(fixture.name, focused(fixture));
    }
}

#[test]
fn array_examples_with_nulls_make_optional_items() {
    let code = snapshot(&quirk_null_items_in_array_example());
    assert!(code.contains("null-in-array-example"), "{code}");
    assert!(code.contains("Vec<Option<String>>"), "{code}");
}

fn object_with_scalars_arrays_and_nesting() -> String {
    let schema = body(
        "type: object
properties:
  data:
    type: object
    properties:
      siren:
        type: string
        title: Numéro SIREN
        description: Identifiant de l'unité légale.
      effectif:
        type: integer
        nullable: true
      chiffre_affaires:
        type: number
      diffusable:
        type: boolean
      activites:
        type: array
        items:
          type: object
          properties:
            code:
              type: string
            libelle:
              type: string
          required: [code]
    required: [siren, diffusable, activites]
  links:
    type: object
required: [data]",
    );
    spec(
        &route(
            "/v3/insee/unites_legales/{siren}",
            "api_entreprise_v3_insee_unites_legales",
            "siren",
            &schema,
        ),
        "",
    )
}

/// What was sent comes back: each way a field may be there (always; maybe null; maybe
/// absent; maybe absent or null) gets the type and serde attributes that write it back as
/// sent, and a property named like the map of undeclared fields does not take its name.
fn every_presence_round_trips_and_the_undeclared_map_keeps_its_name() -> String {
    one_route(&body(
        "type: object
properties:
  always:
    type: string
  maybe_null:
    type: string
    nullable: true
  maybe_absent:
    type: string
  absent_or_null:
    type: string
    nullable: true
  undeclared:
    type: integer
required: [always, maybe_null, undeclared]",
    ))
}

fn enums_keep_unknown_values() -> String {
    let schema = body(
        "type: object
properties:
  etat_administratif:
    type: string
    enum: [A, C]
  categorie:
    type: string
    nullable: true
    enum: [PME, ETI, GE, null]
  type:
    type: string
    enum: [personne_morale, personne_physique]
required: [etat_administratif, categorie, type]",
    );
    spec(
        &route(
            "/v4/insee/unites_legales/{siren}",
            "api_entreprise_v4_insee_unites_legales",
            "siren",
            &schema,
        ),
        "",
    )
}

fn a_json_request_body_is_sent() -> String {
    let route = format!(
        "  \"/v3/demandes\":
    post:
      summary: Dépose une demande
      security:
      - jwt_bearer_token: []
      parameters:{TRACEABILITY}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [siren, beneficiaire]
              properties:
                siren:
                  type: string
                montant:
                  type: integer
                beneficiaire:
                  type: object
                  required: [nom]
                  properties:
                    nom:
                      type: string
                    prenom:
                      type: string
      responses:
        '200':
          description: OK
          x-operationId: api_entreprise_v3_demandes
          content:
            application/json:
              schema:
                type: object
                properties:
                  numero:
                    type: string
"
    );
    spec(&route, "")
}

fn additional_properties_become_a_map() -> String {
    let schema = body(
        "type: object
properties:
  effectifs_par_annee:
    type: object
    additionalProperties:
      type: object
      properties:
        nombre:
          type: integer
  siren:
    type: string
additionalProperties: false
required: [effectifs_par_annee]",
    );
    spec(
        &route(
            "/v3/insee/unites_legales/{siren}",
            "api_entreprise_v3_insee_unites_legales",
            "siren",
            &schema,
        ),
        "",
    )
}

fn one_of_becomes_an_enum_of_its_alternatives() -> String {
    let schema = body(
        "type: object
properties:
  titulaire:
    oneOf:
    - $ref: '#/components/schemas/PersonneMorale'
    - title: Personne physique
      type: object
      required: [nom]
      properties:
        nom:
          type: string
    - type: string
  montant:
    anyOf:
    - type: integer
    - type: string
    - type: 'null'
  code:
    type: [string, integer]
required: [titulaire]",
    );
    spec(
        &route(
            "/v3/insee/unites_legales/{siren}",
            "api_entreprise_v3_insee_unites_legales",
            "siren",
            &schema,
        ),
        "  schemas:\n    PersonneMorale:\n      type: object\n      required: [siren]\n      properties:\n        siren:\n          type: string\n",
    )
}

fn dates_and_date_times() -> String {
    let schema = body(
        "type: object
properties:
  date_creation:
    type: string
    format: date
  mise_a_jour:
    type: string
    format: date-time
required: [date_creation, mise_a_jour]",
    );
    spec(
        &route(
            "/v3/insee/etablissements/{siret}",
            "api_entreprise_v3_insee_etablissements",
            "siret",
            &schema,
        ),
        "",
    )
}

fn deprecated_document_route_with_maintenance() -> String {
    let schema = body(
        "type: object
properties:
  data:
    type: object
    properties:
      document_url:
        type: string
      expires_in:
        type: integer
    required: [document_url, expires_in]
required: [data]",
    );
    let mut paths = route(
        "/v3/dgfip/unites_legales/{siren}/attestation_fiscale",
        "api_entreprise_v3_dgfip_attestations_fiscales",
        "siren",
        &schema,
    );
    paths = paths.replacen("      summary:", "      deprecated: true\n      x-maintenances:\n        from_hour: 01:00\n        to_hour: 02:00\n      summary:", 1);
    spec(&paths, "")
}

fn error_codes_from_examples() -> String {
    let mut paths = route(
        "/v3/urssaf/unites_legales/{siren}/attestation_vigilance",
        "api_entreprise_v3_acoss_attestations_sociales",
        "siren",
        &body("type: object\nproperties:\n  data:\n    type: object\n    properties:\n      statut:\n        type: string"),
    );
    paths.push_str(
        "        '404':
          description: Not found
          content:
            application/json:
              examples:
                entite_non_trouvee_03001:
                  value:
                    errors:
                    - code: '03001'
                      title: Entité non trouvée
                      detail: L'entreprise n'a pas été trouvée.
                      meta:
                        provider: ACOSS
        '502':
          description: Provider error
          content:
            application/json:
              examples:
                provider_unknown_error:
                  value:
                    errors:
                    - code: '03999'
                      title: Erreur inconnue du fournisseur de données
                      detail: Erreur inconnue.
                      meta:
                        provider: ACOSS
                dns_resolution_error:
                  value:
                    errors:
                    - code: '03004'
                      title: Erreur de résolution DNS
                      detail: Le fournisseur est injoignable.
                      meta:
                        provider: ACOSS
",
    );
    spec(&paths, "")
}

fn same_shapes_merge_and_different_shapes_get_qualified_names() -> String {
    let adresse = "adresse:
      type: object
      properties:
        code_postal:
          type: string
        commune:
          type: string";
    let other_adresse = "adresse:
      type: object
      properties:
        ligne:
          type: string";
    let unite = body(&format!(
        "type: object\nproperties:\n  unite_legale:\n    type: object\n    properties:\n      {}",
        adresse.replace('\n', "\n  ")
    ));
    let etab = body(&format!(
        "type: object\nproperties:\n  etablissement:\n    type: object\n    properties:\n      {}",
        adresse.replace('\n', "\n  ")
    ));
    let asso = body(&format!(
        "type: object\nproperties:\n  association:\n    type: object\n    properties:\n      {}",
        other_adresse.replace('\n', "\n  ")
    ));
    let paths = [
        route(
            "/v3/insee/unites_legales/{siren}",
            "api_entreprise_v3_insee_unites_legales",
            "siren",
            &unite,
        ),
        route(
            "/v3/insee/etablissements/{siret}",
            "api_entreprise_v3_insee_etablissements",
            "siret",
            &etab,
        ),
        route(
            "/v4/associations/{siren_or_rna}",
            "api_entreprise_v4_associations",
            "siren_or_rna",
            &asso,
        ),
    ]
    .concat();
    spec(&paths, "")
}

fn optional_query_and_header_parameters() -> String {
    let schema = body("type: object\nproperties:\n  effectif:\n    type: number");
    let paths = route(
        "/v3/gip_mds/unites_legales/{siren}/effectifs_annuels/{year}",
        "api_entreprise_v3_gip_mds_effectifs_annuels_entreprise",
        "siren",
        &schema,
    )
    .replacen(
        "      - name: recipient",
        "      - name: year
        in: path
        required: true
        schema:
          type: string
      - name: nature_effectif
        in: query
        description: Nature de l'effectif
        schema:
          type: string
          enum: [regime_general, regime_agricole]
      - name: Cache-Control
        in: header
        deprecated: true
        schema:
          type: string
      - name: recipient",
        1,
    );
    spec(&paths, "")
}

fn quirk_missing_operation_id() -> String {
    let paths = route(
        "/v3/cma_france/rnm/unites_legales/{siren}",
        "REMOVED",
        "siren",
        &body("type: object"),
    )
    .replace("          x-operationId: REMOVED\n", "");
    spec(&paths, "")
}

fn quirk_type_date() -> String {
    let schema =
        body("type: object\nproperties:\n  date_debut:\n    type: date\n    example: '2022-01-01'");
    one_route(&schema)
}

fn quirk_nullable_enum_without_null() -> String {
    let schema = body("type: object\nproperties:\n  sexe:\n    type: string\n    nullable: true\n    enum: [M, F]");
    one_route(&schema)
}

fn quirk_http_scheme_with_apikey_fields() -> String {
    spec(
        &route(
            "/v3/x/{siren}",
            "api_entreprise_v3_x",
            "siren",
            &body("type: object"),
        ),
        "",
    )
    .replace(
        "      scheme: bearer\n",
        "      scheme: bearer\n      name: Authorization\n      in: header\n",
    )
}

fn quirk_null_items_in_array_example() -> String {
    let schema = body("type: object\nproperties:\n  valeurs:\n    type: array\n    items:\n      type: string\n    example:\n    - '4245'\n    -\n    - '5672'");
    one_route(&schema)
}

fn quirk_required_names_undeclared_property() -> String {
    let schema =
        body("type: object\nproperties:\n  siren:\n    type: string\nrequired: [siren, rna]");
    one_route(&schema)
}

fn quirk_schemas_without_type() -> String {
    let schema = body("properties:\n  beneficiaires:\n    items:\n      properties:\n        nom:\n          type: string\n  statut:\n    enum: [actif, inactif]");
    one_route(&schema)
}

fn quirk_yaml_1_1_boolean_in_string_enum() -> String {
    let schema =
        body("type: object\nproperties:\n  pays:\n    type: string\n    enum: [NL, false, NP]");
    one_route(&schema)
}

fn quirk_response_with_examples_but_no_schema() -> String {
    let paths = format!(
        "  \"/v3/x/{{siren}}\":
    get:
      parameters:
      - name: siren
        in: path
        required: true
        schema:
          type: string{TRACEABILITY}
      responses:
        '200':
          description: OK
          x-operationId: api_entreprise_v3_x
          content:
            application/json:
              examples:
                ok:
                  value:
                    data:
                      siren: '130025265'
                      effectif: 12
"
    );
    spec(&paths, "")
}

fn quirk_unknown_type_numeric() -> String {
    let schema = body("type: object\nproperties:\n  numero_idcc:\n    type: numeric");
    spec(
        &route("/v3/x/{siret}", "api_entreprise_v3_x", "siret", &schema),
        "",
    )
}

#[test]
fn output_is_deterministic() {
    let schema = body("type: object\nproperties:\n  a:\n    type: object\n    properties:\n      b:\n        type: string\n  c:\n    type: string\n    enum: [x, y]");
    let text = spec(
        &route("/v3/x/{siren}", "api_entreprise_v3_x", "siren", &schema),
        "",
    );
    let first = snapshot(&text);
    for _ in 0..3 {
        assert_eq!(first, snapshot(&text));
    }
}

/// Editing one operation's shape renames only that operation's type, not the shared one.
#[test]
fn editing_one_operation_does_not_rename_types_elsewhere() {
    let adresse = |extra: &str| {
        body(&format!(
            "type: object\nproperties:\n  adresse:\n    type: object\n    properties:\n      code_postal:\n        type: string\n      commune:\n        type: string{extra}"
        ))
    };
    let paths = |third: &str| {
        [
            route(
                "/v3/a/{siren}",
                "api_entreprise_v3_a",
                "siren",
                &adresse(""),
            ),
            route(
                "/v3/b/{siren}",
                "api_entreprise_v3_b",
                "siren",
                &adresse(""),
            ),
            route(
                "/v3/c/{siren}",
                "api_entreprise_v3_c",
                "siren",
                &adresse(third),
            ),
        ]
        .concat()
    };
    let names = |text: &str| {
        let api = apie_codegen::model_from_str("fixture.yml", text.as_bytes())
            .unwrap()
            .api;
        let field_type = |op: &str| {
            let op = api.operations.iter().find(|o| o.id == op).unwrap();
            let Some(apie_codegen::model::TypeRef::Named(root)) = &op.success else {
                panic!()
            };
            let apie_codegen::model::TypeKind::Struct(fields) = &api.type_named(root).unwrap().kind
            else {
                panic!()
            };
            format!("{:?}", fields[0].ty)
        };
        (
            field_type("api_entreprise_v3_a"),
            field_type("api_entreprise_v3_b"),
            field_type("api_entreprise_v3_c"),
        )
    };
    let before = names(&spec(&paths(""), ""));
    assert_eq!(before.0, r#"Named("Adresse")"#);
    assert_eq!(before.0, before.2);
    let after = names(&spec(&paths("\n      pays:\n        type: string"), ""));
    assert_eq!(
        (&after.0, &after.1),
        (&before.0, &before.1),
        "a and b keep their type name"
    );
    assert_ne!(after.2, before.2, "c has a shape of its own now");
    assert!(after.2.contains("Adresse"), "{}", after.2);
}

/// A new API version with shapes of its own leaves the names of the older version alone.
#[test]
fn a_new_version_does_not_rename_the_older_versions_types() {
    let schema = |field: &str| {
        body(&format!(
            "type: object\nproperties:\n  data:\n    type: object\n    properties:\n      adresse:\n        type: object\n        properties:\n          {field}:\n            type: string"
        ))
    };
    let v3 = route(
        "/v3/insee/unites_legales/{siren}",
        "api_entreprise_v3_insee_unites_legales",
        "siren",
        &schema("code_postal"),
    );
    let v4 = route(
        "/v4/insee/unites_legales/{siren}",
        "api_entreprise_v4_insee_unites_legales",
        "siren",
        &schema("code_postal_2025"),
    );
    let names = |text: &str| {
        let api = apie_codegen::model_from_str("fixture.yml", text.as_bytes())
            .unwrap()
            .api;
        let mut names: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
        names.sort();
        names
    };
    let before = names(&spec(&v3, ""));
    let after = names(&spec(&[v3.clone(), v4].concat(), ""));
    for name in &before {
        assert!(
            after.contains(name),
            "`{name}` was renamed when v4 arrived: {after:?}"
        );
    }
    assert!(
        after.len() > before.len(),
        "v4 has types of its own: {after:?}"
    );
}

/// Every fixture's whole crate (what `apie-codegen generate --crate` writes for it under API
/// Entreprise's profile: manifest, lib.rs, every generated file) type-checks with every
/// feature, warnings denied: a snapshot shows a part, this proves the whole compiles. One
/// cargo workspace of them all, checked once, in a target folder of its own (kept between
/// runs under cargo's `CARGO_TARGET_TMPDIR`).
#[test]
fn every_fixture_compiles_as_a_crate() {
    use apie_codegen::config::{package_files, render, RuntimeDependency, SpecSource};
    use apie_codegen::model::names_lock::NamesLock;
    use apie_codegen::profile::{self, Package};
    use std::path::Path;

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let runtime = root
        .join("runtime")
        .canonicalize()
        .expect("the runtime's folder");
    let scratch = tempfile::Builder::new()
        .prefix("apie-fixture-crates-")
        .tempdir()
        .unwrap();
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let mut members = Vec::new();
    for fixture in FIXTURES {
        let mut loaded = profile::embedded();
        loaded.profile.specs.truncate(1);
        loaded.profile.scope_map = None;
        loaded.profile.package = Some(Package {
            name: fixture.name.replace('_', "-"),
            version: "0.0.0".into(),
            description: fixture.guards.into(),
            license: "MIT".into(),
            repository: None,
            guide: None,
            refuse_browser: false,
            regenerate_feature: false,
        });
        let spec = SpecSource {
            path: "fixture.yml".into(),
            text: (fixture.spec)().into_bytes(),
            lock: NamesLock::default(),
        };
        let rendered = render(&loaded, &[spec], None)
            .unwrap_or_else(|e| panic!("{} does not render: {e}", fixture.name));
        let dir = scratch.path().join(fixture.name);
        for file in &rendered.files {
            write(&dir.join("src/generated").join(&file.name), &file.text);
        }
        let runtime = RuntimeDependency::Path(runtime.display().to_string());
        for file in package_files(&loaded.profile, &runtime).expect("a crate") {
            write(&dir.join(&file.name), &file.text);
        }
        members.push(format!("{:?}", fixture.name));
    }
    write(
        &scratch.path().join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    // The workspace's own versions, so that nothing is fetched: the check runs offline.
    std::fs::copy(root.join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "check",
            "--workspace",
            "--all-features",
            "--offline",
            "--quiet",
        ])
        .current_dir(scratch.path())
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "the fixtures' crates do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// OpenAPI 3.1 writes nullability and single values its own way (`type: [string, "null"]`,
/// `anyOf` with `{type: 'null'}`, `const`, `examples`): a 3.1 twin of a 3.0 spec generates
/// the same client and the same mock data.
#[test]
fn a_3_1_twin_generates_the_same_client_as_its_3_0_spec() {
    let v3_0 = spec(
        &route(
            "/v3/x/{siren}",
            "api_entreprise_v3_x",
            "siren",
            &body(
                "type: object
properties:
  effectif:
    type: integer
    nullable: true
    example: 12
  categorie:
    type: string
    nullable: true
    enum: [PME, ETI, null]
  forme:
    type: string
    enum: [SAS]
  adresse:
    allOf:
    - $ref: '#/components/schemas/Adresse'
    nullable: true
required: [effectif, categorie]",
            ),
        ),
        "  schemas:\n    Adresse:\n      type: object\n      properties:\n        commune:\n          type: string\n          example: Paris\n",
    );
    let v3_1 = spec(
        &route(
            "/v3/x/{siren}",
            "api_entreprise_v3_x",
            "siren",
            &body(
                "type: object
properties:
  effectif:
    type: [integer, 'null']
    examples: [12]
  categorie:
    type: [string, 'null']
    enum: [PME, ETI, null]
  forme:
    const: SAS
  adresse:
    anyOf:
    - $ref: '#/components/schemas/Adresse'
    - type: 'null'
required: [effectif, categorie]",
            ),
        ),
        "  schemas:\n    Adresse:\n      type: object\n      properties:\n        commune:\n          type: string\n          examples: [Paris]\n",
    )
    .replace("openapi: 3.0.1", "openapi: 3.1.0");
    let code = |text: &str| {
        let generated = generate_from_str("fixture.yml", text.as_bytes())
            .unwrap_or_else(|d| panic!("does not generate:\n{d}"));
        // The first line names the spec's sha256, which differs.
        let code: Vec<&str> = generated.code.lines().skip(1).collect();
        (code.join("\n"), generated.diagnostics.to_string())
    };
    let (a, warnings_3_0) = code(&v3_0);
    let (b, warnings_3_1) = code(&v3_1);
    assert_eq!(warnings_3_0, warnings_3_1, "nothing to repair in either");
    let differ = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y);
    assert!(
        differ.is_none() && a.lines().count() == b.lines().count(),
        "first difference (line, 3.0, 3.1): {differ:?}\n3.0:\n{warnings_3_0}\n3.1:\n{warnings_3_1}"
    );
    assert!(a.contains("pub effectif: Option<i64>"), "{a}");
}
