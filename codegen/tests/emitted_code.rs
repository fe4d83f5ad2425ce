//! Snapshots of the emitted code, one small spec per construct and per published quirk.
//! Each snapshot holds the diagnostics of the run, then the generated file.

use apie_codegen::generate_from_str;

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

/// The snapshot of a spec with one v3 route on `{siren}` answering `schema`.
fn one_route(schema: &str) -> String {
    snapshot(&spec(
        &route("/v3/x/{siren}", "api_entreprise_v3_x", "siren", schema),
        "",
    ))
}

fn snapshot(text: &str) -> String {
    match generate_from_str("fixture.yml", text.as_bytes()) {
        Ok(generated) => format!("{}\n{}", generated.diagnostics, generated.code),
        Err(diagnostics) => panic!("fixture does not generate:\n{diagnostics}"),
    }
}

#[test]
fn object_with_scalars_arrays_and_nesting() {
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
    insta::assert_snapshot!(snapshot(&spec(
        &route(
            "/v3/insee/unites_legales/{siren}",
            "api_entreprise_v3_insee_unites_legales",
            "siren",
            &schema
        ),
        ""
    )));
}

/// What was sent comes back: each way a field may be there (always; maybe null; maybe
/// absent; maybe absent or null) gets the type and serde attributes that write it back as
/// sent, and a property named like the map of undeclared fields does not take its name.
#[test]
fn every_presence_round_trips_and_the_undeclared_map_keeps_its_name() {
    insta::assert_snapshot!(one_route(&body(
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
required: [always, maybe_null, undeclared]"
    )));
}

#[test]
fn enums_keep_unknown_values() {
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
    insta::assert_snapshot!(snapshot(&spec(
        &route(
            "/v4/insee/unites_legales/{siren}",
            "api_entreprise_v4_insee_unites_legales",
            "siren",
            &schema
        ),
        ""
    )));
}

#[test]
fn dates_and_date_times() {
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
    insta::assert_snapshot!(snapshot(&spec(
        &route(
            "/v3/insee/etablissements/{siret}",
            "api_entreprise_v3_insee_etablissements",
            "siret",
            &schema
        ),
        ""
    )));
}

#[test]
fn deprecated_document_route_with_maintenance() {
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
    insta::assert_snapshot!(snapshot(&spec(&paths, "")));
}

#[test]
fn error_codes_from_examples() {
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
    insta::assert_snapshot!(snapshot(&spec(&paths, "")));
}

#[test]
fn same_shapes_merge_and_different_shapes_get_qualified_names() {
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
    insta::assert_snapshot!(snapshot(&spec(&paths, "")));
}

#[test]
fn optional_query_and_header_parameters() {
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
        schema:
          type: string
      - name: recipient",
        1,
    );
    insta::assert_snapshot!(snapshot(&spec(&paths, "")));
}

#[test]
fn quirk_missing_operation_id() {
    let paths = route(
        "/v3/cma_france/rnm/unites_legales/{siren}",
        "REMOVED",
        "siren",
        &body("type: object"),
    )
    .replace("          x-operationId: REMOVED\n", "");
    insta::assert_snapshot!(snapshot(&spec(&paths, "")));
}

#[test]
fn quirk_type_date() {
    let schema =
        body("type: object\nproperties:\n  date_debut:\n    type: date\n    example: '2022-01-01'");
    insta::assert_snapshot!(one_route(&schema));
}

#[test]
fn quirk_nullable_enum_without_null() {
    let schema = body("type: object\nproperties:\n  sexe:\n    type: string\n    nullable: true\n    enum: [M, F]");
    insta::assert_snapshot!(one_route(&schema));
}

#[test]
fn quirk_http_scheme_with_apikey_fields() {
    let text = spec(
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
    );
    insta::assert_snapshot!(snapshot(&text));
}

#[test]
fn quirk_null_items_in_array_example() {
    let schema = body("type: object\nproperties:\n  valeurs:\n    type: array\n    items:\n      type: string\n    example:\n    - '4245'\n    -\n    - '5672'");
    let code = one_route(&schema);
    assert!(code.contains("null-in-array-example"), "{code}");
    assert!(code.contains("Vec<Option<String>>"), "{code}");
    insta::assert_snapshot!(code);
}

#[test]
fn quirk_required_names_undeclared_property() {
    let schema =
        body("type: object\nproperties:\n  siren:\n    type: string\nrequired: [siren, rna]");
    insta::assert_snapshot!(one_route(&schema));
}

#[test]
fn quirk_schemas_without_type() {
    let schema = body("properties:\n  beneficiaires:\n    items:\n      properties:\n        nom:\n          type: string\n  statut:\n    enum: [actif, inactif]");
    insta::assert_snapshot!(one_route(&schema));
}

#[test]
fn quirk_yaml_1_1_boolean_in_string_enum() {
    let schema =
        body("type: object\nproperties:\n  pays:\n    type: string\n    enum: [NL, false, NP]");
    insta::assert_snapshot!(one_route(&schema));
}

#[test]
fn quirk_response_with_examples_but_no_schema() {
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
    insta::assert_snapshot!(snapshot(&spec(&paths, "")));
}

#[test]
fn quirk_unknown_type_numeric() {
    let schema = body("type: object\nproperties:\n  numero_idcc:\n    type: numeric");
    insta::assert_snapshot!(snapshot(&spec(
        &route("/v3/x/{siret}", "api_entreprise_v3_x", "siret", &schema),
        ""
    )));
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
