//! The spec pairs of the diff tests: one small spec in the published style (`BASE`), and
//! for each case the edits that make its old and new versions. Each edit replaces text that
//! occurs exactly once; a case is thus read as "what changed", next to its expected kinds.

/// The spec most cases start from: two routes in the style of the published spec.
pub const BASE: &str = r#"---
openapi: 3.0.1
info:
  title: API Entreprise
  version: 3.0.0
paths:
  "/v3/insee/unites_legales/{siren}":
    get:
      summary: Données de référence d'une unité légale
      parameters:
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: Unité légale trouvée
          x-operationId: api_entreprise_v3_insee_unites_legales
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      siren:
                        type: string
                      date_creation:
                        type: string
                        format: date
                      date_cessation:
                        type: string
                        format: date
                        nullable: true
                      etat_administratif:
                        type: string
                        enum:
                        - A
                        - C
                      etablissements:
                        type: array
                        items:
                          type: object
                          properties:
                            siret:
                              type: string
                            effectif:
                              type: integer
                          required:
                          - siret
                    required:
                    - siren
                    - date_creation
                    - date_cessation
                    - etat_administratif
                  links:
                    type: object
                    properties:
                      siege_social:
                        type: string
                required:
                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
        '502':
          description: Erreur du fournisseur
          content:
            application/json:
              examples:
                provider_error:
                  value:
                    errors:
                    - code: '04501'
                      title: Erreur du fournisseur
                      detail: L'INSEE ne répond pas.
                      meta:
                        provider: INSEE
  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
    get:
      summary: Attestation de vigilance
      parameters:
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: format
        in: query
        required: false
        schema:
          type: string
          enum:
          - pdf
          - json
      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: Attestation trouvée
          x-operationId: api_entreprise_v3_urssaf_attestation_vigilance
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      document_url:
                        type: string
                      date_fin_validite:
                        type: string
                        format: date
                    required:
                    - document_url
                required:
                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
        from_hour: '22:00'
        to_hour: '22:30'
components:
  securitySchemes:
    jwt_bearer_token:
      type: http
      scheme: bearer
"#;

/// A replacement of text that occurs exactly once.
pub type Edit = (&'static str, &'static str);

/// A request body in the style of the published spec (its routes all take none yet).
macro_rules! request_body {
    () => {
        r#"      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [siren]
              properties:
                siren:
                  type: string
                motif:
                  type: string
                  enum: [aide, marche]
                montant:
                  type: integer
                commentaire:
                  type: string
"#
    };
}

/// A route taking [`request_body!`], put after `paths:` by the request body cases.
macro_rules! post_route {
    () => {
        concat!(
            "paths:\n",
            r#"  "/v3/demandes":
    post:
      summary: Dépose une demande
"#,
            request_body!(),
            r#"      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: Demande enregistrée
          x-operationId: api_entreprise_v3_demandes
          content:
            application/json:
              schema:
                type: object
                properties:
                  numero:
                    type: string
"#
        )
    };
}

/// The edit that adds the route taking a request body.
const WITH_POST_ROUTE: Edit = ("paths:\n", post_route!());
/// Its request body's media types, with a form one before the JSON one.
const FORM_TOO: Edit = (
    "        content:\n          application/json:",
    "        content:\n          application/x-www-form-urlencoded:\n            schema:\n              type: object\n          application/json:",
);
/// Its body's required properties.
const REQUIRED: &str = "              required: [siren]\n";

/// An optional query parameter `annee` on the first route.
const WITH_ANNEE: Edit = (
    "      summary: Données de référence d'une unité légale\n      parameters:\n",
    "      summary: Données de référence d'une unité légale\n      parameters:\n      - name: annee\n        in: query\n        schema:\n          type: integer\n          default: 2024\n",
);
/// Its schema, after which `deprecated` goes.
const ANNEE_SCHEMA: &str = "        schema:\n          type: integer\n          default: 2024\n";
/// A response property that is one of a titled object or a string (`oneOf`).
const WITH_TITULAIRE: Edit = (
    "                      siren:\n                        type: string\n",
    "                      siren:\n                        type: string\n                      titulaire:\n                        oneOf:\n                        - title: Personne physique\n                          type: object\n                          properties:\n                            nom:\n                              type: string\n                        - type: string\n",
);
/// A request body property that is one of a titled object or a string (`oneOf`).
const WITH_DEMANDEUR: Edit = (
    "                commentaire:\n                  type: string\n",
    "                commentaire:\n                  type: string\n                demandeur:\n                  oneOf:\n                  - title: Entreprise\n                    type: object\n                    properties:\n                      siren:\n                        type: string\n                  - type: string\n",
);
/// The second route's `siren`, with the pattern that keeps it a `Siren` under another name.
const SIREN_WITH_PATTERN: Edit = (
    "      - name: siren\n        in: path\n        required: true\n        schema:\n          type: string\n      - name: format\n",
    "      - name: siren\n        in: path\n        required: true\n        schema:\n          type: string\n          pattern: '^\\d{9}$'\n      - name: format\n",
);
/// That parameter renamed `numero`, in the path and in its declaration.
const SIREN_RENAMED: [Edit; 2] = [
    (
        "  \"/v3/urssaf/unites_legales/{siren}/attestation_vigilance\":\n",
        "  \"/v3/urssaf/unites_legales/{numero}/attestation_vigilance\":\n",
    ),
    (
        "      - name: siren\n        in: path\n        required: true\n        schema:\n          type: string\n          pattern: '^\\d{9}$'\n",
        "      - name: numero\n        in: path\n        required: true\n        schema:\n          type: string\n          pattern: '^\\d{9}$'\n",
    ),
];
/// The second route without its id: it is named from its method and path.
const WITHOUT_ID: Edit = (
    "          x-operationId: api_entreprise_v3_urssaf_attestation_vigilance\n",
    "",
);
/// Each case: its name, the edits from `BASE` to its old spec, then from old to new.
pub const CASES: &[(&str, &[Edit], &[Edit])] = &[
    // A path parameter renamed on a route the spec names: nothing a caller sees.
    ("path_parameter_renamed", &[SIREN_WITH_PATTERN], &SIREN_RENAMED),
    // The same on a route named from its path: its method is renamed.
    (
        "path_parameter_renamed_without_ids",
        &[SIREN_WITH_PATTERN, WITHOUT_ID],
        &SIREN_RENAMED,
    ),
    // An optional query parameter deprecated, then removed once deprecated.
    (
        "parameter_deprecated",
        &[WITH_ANNEE],
        &[(ANNEE_SCHEMA, "        deprecated: true\n        schema:\n          type: integer\n          default: 2024\n")],
    ),
    (
        "parameter_removed_after_deprecation",
        &[WITH_ANNEE, (ANNEE_SCHEMA, "        deprecated: true\n        schema:\n          type: integer\n          default: 2024\n")],
        &[("      - name: annee\n        in: query\n        deprecated: true\n        schema:\n          type: integer\n          default: 2024\n", "")],
    ),
    // `oneOf` alternatives, matched by label (a title here, a kind for the string).
    (
        "alternative_added",
        &[WITH_TITULAIRE],
        &[(
            "                        - type: string\n",
            "                        - type: string\n                        - type: integer\n",
        )],
    ),
    (
        "alternative_removed",
        &[WITH_TITULAIRE],
        &[("                        - type: string\n", "")],
    ),
    // Inside an alternative kept: compared at `path(Label)`.
    (
        "alternative_property_type_changed",
        &[WITH_TITULAIRE],
        &[(
            "                            nom:\n                              type: string\n",
            "                            nom:\n                              type: integer\n",
        )],
    ),
    // A string that becomes one of a string or an integer: the Rust type changes.
    (
        "property_became_one_of",
        &[(
            "                      siren:\n                        type: string\n",
            "                      siren:\n                        type: string\n                      titulaire:\n                        type: string\n",
        )],
        &[(
            "                      titulaire:\n                        type: string\n",
            "                      titulaire:\n                        oneOf:\n                        - type: string\n                        - type: integer\n",
        )],
    ),
    (
        "request_alternative_added",
        &[WITH_POST_ROUTE, WITH_DEMANDEUR],
        &[(
            "                  - type: string\n",
            "                  - type: string\n                  - type: integer\n",
        )],
    ),
    (
        "request_alternative_removed",
        &[WITH_POST_ROUTE, WITH_DEMANDEUR],
        &[("                  - type: string\n", "")],
    ),
    // The scopes a requirement asks of the token: one more.
    (
        "security_scopes_changed",
        &[("      security:\n      - jwt_bearer_token: []\n      responses:\n        '200':\n          description: Unité légale trouvée", "      security:\n      - jwt_bearer_token: [unites_legales]\n      responses:\n        '200':\n          description: Unité légale trouvée")],
        &[("      security:\n      - jwt_bearer_token: [unites_legales]\n      responses:\n        '200':\n          description: Unité légale trouvée", "      security:\n      - jwt_bearer_token: [unites_legales, etablissements]\n      responses:\n        '200':\n          description: Unité légale trouvée")],
    ),
    // A map's values (`additionalProperties`) are compared at `/*`.
    (
        "map_value_type_changed",
        &[("                      siren:\n                        type: string\n", "                      siren:\n                        type: string\n                      effectifs:\n                        type: object\n                        additionalProperties:\n                          type: integer\n")],
        &[("                      effectifs:\n                        type: object\n                        additionalProperties:\n                          type: integer\n", "                      effectifs:\n                        type: object\n                        additionalProperties:\n                          type: string\n")],
    ),
    // The success response's media types: an             application/xml:\n              schema:\n                type: object\n one beside the JSON one.
    (
        "response_media_type_added",
        &[],
        &[("          description: Unité légale trouvée\n          x-operationId: api_entreprise_v3_insee_unites_legales\n          content:\n", "          description: Unité légale trouvée\n          x-operationId: api_entreprise_v3_insee_unites_legales\n          content:\n            application/xml:\n              schema:\n                type: object\n")],
    ),
    (
        "response_media_type_removed",
        &[("          description: Unité légale trouvée\n          x-operationId: api_entreprise_v3_insee_unites_legales\n          content:\n", "          description: Unité légale trouvée\n          x-operationId: api_entreprise_v3_insee_unites_legales\n          content:\n            application/xml:\n              schema:\n                type: object\n")],
        &[("          description: Unité légale trouvée\n          x-operationId: api_entreprise_v3_insee_unites_legales\n          content:\n            application/xml:\n              schema:\n                type: object\n", "          description: Unité légale trouvée\n          x-operationId: api_entreprise_v3_insee_unites_legales\n          content:\n")],
    ),
    // A path parameter's listed values: one unlisted.
    (
        "path_parameter_enum_narrowed",
        &[("      summary: Attestation de vigilance\n      parameters:\n      - name: context\n        in: query\n        required: true\n        schema:\n          type: string\n      - name: recipient\n        in: query\n        required: true\n        schema:\n          type: string\n      - name: object\n        in: query\n        required: true\n        schema:\n          type: string\n      - name: siren\n        in: path\n        required: true\n        schema:\n          type: string\n", "      summary: Attestation de vigilance\n      parameters:\n      - name: context\n        in: query\n        required: true\n        schema:\n          type: string\n      - name: recipient\n        in: query\n        required: true\n        schema:\n          type: string\n      - name: object\n        in: query\n        required: true\n        schema:\n          type: string\n      - name: siren\n        in: path\n        required: true\n        schema:\n          type: string\n          enum: ['418166096', '552032534']\n")],
        &[("          enum: ['418166096', '552032534']\n", "          enum: ['418166096']\n")],
    ),
    // Bounds and defaults of a query parameter.
    (
        "parameter_default_changed",
        &[("      summary: Données de référence d'une unité légale\n      parameters:\n", "      summary: Données de référence d'une unité légale\n      parameters:\n      - name: annee\n        in: query\n        schema:\n          type: integer\n          default: 2024\n")],
        &[("          default: 2024\n", "          default: 2025\n")],
    ),
    (
        "parameter_maximum_lowered",
        &[("      summary: Données de référence d'une unité légale\n      parameters:\n", "      summary: Données de référence d'une unité légale\n      parameters:\n      - name: annee\n        in: query\n        schema:\n          type: integer\n          maximum: 2030\n")],
        &[("          maximum: 2030\n", "          maximum: 2025\n")],
    ),
    (
        "parameter_minimum_lowered",
        &[("      summary: Données de référence d'une unité légale\n      parameters:\n", "      summary: Données de référence d'une unité légale\n      parameters:\n      - name: annee\n        in: query\n        schema:\n          type: integer\n          minimum: 2000\n")],
        &[("          minimum: 2000\n", "          minimum: 1990\n")],
    ),
    (
        "parameter_max_length_added",
        &[("      summary: Données de référence d'une unité légale\n      parameters:\n", "      summary: Données de référence d'une unité légale\n      parameters:\n      - name: nom\n        in: query\n        schema:\n          type: string\n")],
        &[("      - name: nom\n        in: query\n        schema:\n          type: string\n", "      - name: nom\n        in: query\n        schema:\n          type: string\n          maxLength: 30\n")],
    ),
    // A query parameter's type, its setter's unchanged: a date is narrower than any text.
    (
        "parameter_type_specialised",
        &[("      summary: Données de référence d'une unité légale\n      parameters:\n", "      summary: Données de référence d'une unité légale\n      parameters:\n      - name: date_reference\n        in: query\n        schema:\n          type: string\n")],
        &[("      - name: date_reference\n        in: query\n        schema:\n          type: string\n", "      - name: date_reference\n        in: query\n        schema:\n          type: string\n          format: date\n")],
    ),
    (
        "parameter_type_widened",
        &[("      summary: Données de référence d'une unité légale\n      parameters:\n", "      summary: Données de référence d'une unité légale\n      parameters:\n      - name: date_reference\n        in: query\n        schema:\n          type: string\n          format: date\n")],
        &[("      - name: date_reference\n        in: query\n        schema:\n          type: string\n          format: date\n", "      - name: date_reference\n        in: query\n        schema:\n          type: string\n")],
    ),
    // Request bodies: a route taking one is added to both sides, then changed.
    (
        "request_body_added",
        &[WITH_POST_ROUTE, (request_body!(), "")],
        &[(
            "      summary: Dépose une demande\n",
            concat!("      summary: Dépose une demande\n", request_body!()),
        )],
    ),
    ("request_body_removed", &[WITH_POST_ROUTE], &[(request_body!(), "")]),
    (
        "request_body_became_required",
        &[
            WITH_POST_ROUTE,
            ("      requestBody:\n        required: true\n", "      requestBody:\n        required: false\n"),
        ],
        &[("      requestBody:\n        required: false\n", "      requestBody:\n        required: true\n")],
    ),
    (
        "request_body_became_optional",
        &[WITH_POST_ROUTE],
        &[("      requestBody:\n        required: true\n", "      requestBody:\n        required: false\n")],
    ),
    ("request_media_type_added", &[WITH_POST_ROUTE], &[FORM_TOO]),
    (
        "request_media_type_removed",
        &[WITH_POST_ROUTE, FORM_TOO],
        &[(FORM_TOO.1, FORM_TOO.0)],
    ),
    (
        "request_property_added",
        &[WITH_POST_ROUTE],
        &[(
            "                commentaire:\n",
            "                reference:\n                  type: string\n                commentaire:\n",
        )],
    ),
    // The same property, required: calls without it are refused.
    (
        "request_required_property_added",
        &[WITH_POST_ROUTE],
        &[
            (
                "                commentaire:\n",
                "                reference:\n                  type: string\n                commentaire:\n",
            ),
            (REQUIRED, "              required: [siren, reference]\n"),
        ],
    ),
    (
        "request_property_removed",
        &[WITH_POST_ROUTE],
        &[("                montant:\n                  type: integer\n", "")],
    ),
    (
        "request_property_type_changed",
        &[WITH_POST_ROUTE],
        &[(
            "                montant:\n                  type: integer\n",
            "                montant:\n                  type: string\n",
        )],
    ),
    (
        "request_property_became_required",
        &[WITH_POST_ROUTE],
        &[(REQUIRED, "              required: [siren, montant]\n")],
    ),
    (
        "request_property_became_optional",
        &[WITH_POST_ROUTE],
        &[(REQUIRED, "              required: []\n")],
    ),
    (
        "request_enum_value_added",
        &[WITH_POST_ROUTE],
        &[("enum: [aide, marche]", "enum: [aide, marche, subvention]")],
    ),
    (
        "request_enum_value_removed",
        &[WITH_POST_ROUTE],
        &[("enum: [aide, marche]", "enum: [aide]")],
    ),
    (
        "request_nullable_changed",
        &[WITH_POST_ROUTE],
        &[(
            "                commentaire:\n                  type: string\n",
            "                commentaire:\n                  type: string\n                  nullable: true\n",
        )],
    ),
    (
        "request_property_deprecated",
        &[WITH_POST_ROUTE],
        &[(
            "                commentaire:\n                  type: string\n",
            "                commentaire:\n                  type: string\n                  deprecated: true\n",
        )],
    ),
    (
        "endpoint_group_changed",
        &[],
        &[(
            r#"                      siren:
                        type: string
"#,
            r#"                      siren:
                        type: string
                      document_url:
                        type: string
"#,
        )],
    ),
    // The profile gives timeouts per group: the route becomes a document endpoint, in the
    // `documents` group and its 12 s.
    (
        "timeout_changed",
        &[],
        &[(
            r#"                      siren:
                        type: string
"#,
            r#"                      siren:
                        type: string
                      document_url:
                        type: string
"#,
        )],
    ),
    (
        "enum_value_added",
        &[],
        &[(
            r#"                        - C
                      etablissements:
"#,
            r#"                        - C
                        - F
                      etablissements:
"#,
        )],
    ),
    (
        "enum_value_removed",
        &[],
        &[(
            r#"                        - C
"#,
            r#""#,
        )],
    ),
    (
        "enum_value_respelled",
        &[],
        &[(
            r#"                        - C
"#,
            r#"                        - c
"#,
        )],
    ),
    (
        "error_code_added",
        &[],
        &[(
            r#"                        provider: INSEE
  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
"#,
            r#"                        provider: INSEE
                    - code: '04502'
                      title: Fournisseur en maintenance
                      detail: L'INSEE est en maintenance.
                      meta:
                        provider: INSEE
  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
"#,
        )],
    ),
    (
        "error_code_removed",
        &[],
        &[(
            r#"                    - code: '04501'
                      title: Erreur du fournisseur
                      detail: L'INSEE ne répond pas.
                      meta:
                        provider: INSEE
"#,
            r#"                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
"#,
        )],
    ),
    (
        "error_code_removed_everywhere",
        &[],
        &[
            (
                r#"                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
"#,
                r#"                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                non_diffusible:
                  value:
                    errors:
                    - code: '01004'
                      title: Entité non diffusible
                      detail: L'entité est non diffusible.
      x-maintenances:
"#,
            ),
            (
                r#"                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
        '502':
"#,
                r#"                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                non_diffusible:
                  value:
                    errors:
                    - code: '01004'
                      title: Entité non diffusible
                      detail: L'entité est non diffusible.
        '502':
"#,
            ),
        ],
    ),
    (
        "error_code_renumbered",
        &[],
        &[
            (
                r#"                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
"#,
                r#"                not_found:
                  value:
                    errors:
                    - code: '01004'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
"#,
            ),
            (
                r#"                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
        '502':
"#,
                r#"                not_found:
                  value:
                    errors:
                    - code: '01004'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
        '502':
"#,
            ),
        ],
    ),
    (
        "security_changed",
        &[(
            "    jwt_bearer_token:\n      type: http\n      scheme: bearer\n",
            "    jwt_bearer_token:\n      type: http\n      scheme: bearer\n    cle:\n      type: apiKey\n      in: header\n      name: X-Api-Key\n",
        )],
        &[
            (
                "    jwt_bearer_token:\n      type: http\n      scheme: bearer\n",
                "    jwt_bearer_token:\n      type: http\n      scheme: bearer\n    cle:\n      type: apiKey\n      in: header\n      name: X-Api-Key\n",
            ),
            (
                "      security:\n      - jwt_bearer_token: []\n      responses:\n        '200':\n          description: Unité légale trouvée",
                "      security:\n      - cle: []\n      responses:\n        '200':\n          description: Unité légale trouvée",
            ),
        ],
    ),
    (
        "maintenance_changed",
        &[],
        &[(
            r#"        from_hour: '22:00'
        to_hour: '22:30'
"#,
            r#"        from_hour: '23:00'
        to_hour: '23:45'
"#,
        )],
    ),
    (
        "no_change",
        &[(
            r#"                      date_creation:
                        type: string
                        format: date
                      date_cessation:
"#,
            r#"                      date_creation:
                        type: date
                      date_cessation:
"#,
        )],
        &[
            (
                r#"                    - date_cessation
                    - etat_administratif
"#,
                r#""#,
            ),
            (
                r#"                    required:
                    - siren
"#,
                r#"                    required:
                    - etat_administratif
                    - date_cessation
                    - siren
"#,
            ),
            (
                r#"                        type: date
"#,
                r#"                        type: string
                        format: date
"#,
            ),
            (
                r#"      summary: Données de référence d'une unité légale
"#,
                r#"      summary: Unité légale (texte reformulé, sans effet sur le contrat)
"#,
            ),
        ],
    ),
    (
        "nullable_added",
        &[],
        &[(
            r#"                        type: string
                      date_creation:
"#,
            r#"                        type: string
                        nullable: true
                      date_creation:
"#,
        )],
    ),
    (
        "nullable_added_to_optional",
        &[],
        &[(
            r#"                              type: integer
                          required:
"#,
            r#"                              type: integer
                              nullable: true
                          required:
"#,
        )],
    ),
    (
        "nullable_removed",
        &[],
        &[(
            r#"                        nullable: true
"#,
            r#""#,
        )],
    ),
    (
        "operation_added",
        &[(
            r#"  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
    get:
      summary: Attestation de vigilance
      parameters:
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: format
        in: query
        required: false
        schema:
          type: string
          enum:
          - pdf
          - json
      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: Attestation trouvée
          x-operationId: api_entreprise_v3_urssaf_attestation_vigilance
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      document_url:
                        type: string
                      date_fin_validite:
                        type: string
                        format: date
                    required:
                    - document_url
                required:
                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
        from_hour: '22:00'
        to_hour: '22:30'
"#,
            r#""#,
        )],
        &[(
            r#"                        provider: INSEE
components:
"#,
            r#"                        provider: INSEE
  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
    get:
      summary: Attestation de vigilance
      parameters:
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: format
        in: query
        required: false
        schema:
          type: string
          enum:
          - pdf
          - json
      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: Attestation trouvée
          x-operationId: api_entreprise_v3_urssaf_attestation_vigilance
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      document_url:
                        type: string
                      date_fin_validite:
                        type: string
                        format: date
                    required:
                    - document_url
                required:
                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
        from_hour: '22:00'
        to_hour: '22:30'
components:
"#,
        )],
    ),
    (
        "operation_deprecated",
        &[],
        &[(
            r#"      summary: Données de référence d'une unité légale
      parameters:
"#,
            r#"      summary: Données de référence d'une unité légale
      deprecated: true
      parameters:
"#,
        )],
    ),
    (
        "operation_id_changed",
        &[],
        &[(
            r#"          x-operationId: api_entreprise_v3_insee_unites_legales
"#,
            r#"          x-operationId: api_entreprise_v3_insee_unites_legales_diffusibles
"#,
        )],
    ),
    (
        "operation_moved",
        &[],
        &[(
            r#"  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
"#,
            r#"  "/v3/acoss/unites_legales/{siren}/attestation_vigilance":
"#,
        )],
    ),
    (
        "operation_removed",
        &[],
        &[(
            r#"  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
    get:
      summary: Attestation de vigilance
      parameters:
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: format
        in: query
        required: false
        schema:
          type: string
          enum:
          - pdf
          - json
      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: Attestation trouvée
          x-operationId: api_entreprise_v3_urssaf_attestation_vigilance
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      document_url:
                        type: string
                      date_fin_validite:
                        type: string
                        format: date
                    required:
                    - document_url
                required:
                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
        from_hour: '22:00'
        to_hour: '22:30'
"#,
            r#""#,
        )],
    ),
    (
        "operation_removed_with_its_codes",
        &[(
            r#"                      detail: Le siren indiqué n'existe pas.
      x-maintenances:
"#,
            r#"                      detail: Le siren indiqué n'existe pas.
                    - code: '05001'
                      title: Attestation indisponible
                      detail: L'URSSAF ne délivre pas d'attestation pour cette entité.
      x-maintenances:
"#,
        )],
        &[(
            r#"  "/v3/urssaf/unites_legales/{siren}/attestation_vigilance":
    get:
      summary: Attestation de vigilance
      parameters:
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: format
        in: query
        required: false
        schema:
          type: string
          enum:
          - pdf
          - json
      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: Attestation trouvée
          x-operationId: api_entreprise_v3_urssaf_attestation_vigilance
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      document_url:
                        type: string
                      date_fin_validite:
                        type: string
                        format: date
                    required:
                    - document_url
                required:
                - data
        '404':
          description: Unité légale non trouvée
          content:
            application/json:
              examples:
                not_found:
                  value:
                    errors:
                    - code: '01003'
                      title: Entité non trouvée
                      detail: Le siren indiqué n'existe pas.
                    - code: '05001'
                      title: Attestation indisponible
                      detail: L'URSSAF ne délivre pas d'attestation pour cette entité.
      x-maintenances:
        from_hour: '22:00'
        to_hour: '22:30'
"#,
            r#""#,
        )],
    ),
    (
        "operation_undeprecated",
        &[(
            r#"      summary: Données de référence d'une unité légale
      parameters:
"#,
            r#"      summary: Données de référence d'une unité légale
      deprecated: true
      parameters:
"#,
        )],
        &[(
            r#"      deprecated: true
"#,
            r#""#,
        )],
    ),
    (
        "parameter_added",
        &[],
        &[(
            r#"      - name: siren
        in: path
        required: true
        schema:
          type: string
      security:
"#,
            r#"      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: date
        in: query
        required: false
        schema:
          type: string
      security:
"#,
        )],
    ),
    (
        "parameter_became_optional",
        &[(
            r#"        required: false
"#,
            r#"        required: true
"#,
        )],
        &[(
            r#"      - name: format
        in: query
        required: true
        schema:
          type: string
"#,
            r#"      - name: format
        in: query
        required: false
        schema:
          type: string
"#,
        )],
    ),
    (
        "parameter_became_required",
        &[],
        &[(
            r#"        required: false
"#,
            r#"        required: true
"#,
        )],
    ),
    (
        "parameter_constraint_narrowed",
        &[],
        &[(
            r#"          - json
"#,
            r#""#,
        )],
    ),
    (
        "parameter_constraint_widened",
        &[],
        &[(
            r#"          - json
      security:
"#,
            r#"          - json
          - zip
      security:
"#,
        )],
    ),
    (
        "parameter_pattern_narrowed",
        &[],
        &[
            (
                r#"          type: string
      - name: format
"#,
                r#"          type: string
          pattern: '^\d{9}$'
      - name: format
"#,
            ),
            (
                r#"          type: string
      security:
"#,
                r#"          type: string
          pattern: '^\d{9}$'
      security:
"#,
            ),
        ],
    ),
    (
        "parameter_removed",
        &[],
        &[(
            r#"      - name: format
        in: query
        required: false
        schema:
          type: string
          enum:
          - pdf
          - json
"#,
            r#""#,
        )],
    ),
    (
        "parameter_type_changed",
        &[],
        &[
            (
                r#"      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      security:
"#,
                r#"      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren_or_rna
        in: path
        required: true
        schema:
          type: string
      security:
"#,
            ),
            (
                r#"  "/v3/insee/unites_legales/{siren}":
"#,
                r#"  "/v3/insee/unites_legales/{siren_or_rna}":
"#,
            ),
        ],
    ),
    (
        "property_added",
        &[],
        &[(
            r#"                      siren:
                        type: string
"#,
            r#"                      siren:
                        type: string
                      categorie_entreprise:
                        type: string
"#,
        )],
    ),
    (
        "property_became_optional",
        &[],
        &[(
            r#"                    - siren
"#,
            r#""#,
        )],
    ),
    (
        "property_became_required",
        &[],
        &[(
            r#"                          - siret
                    required:
"#,
            r#"                          - siret
                          - effectif
                    required:
"#,
        )],
    ),
    (
        "property_deprecated",
        &[],
        &[(
            r#"                        format: date
                      date_cessation:
"#,
            r#"                        format: date
                        deprecated: true
                      date_cessation:
"#,
        )],
    ),
    (
        "property_removed",
        &[],
        &[(
            r#"                            effectif:
                              type: integer
"#,
            r#""#,
        )],
    ),
    (
        "property_type_changed",
        &[],
        &[(
            r#"                              type: integer
"#,
            r#"                              type: string
"#,
        )],
    ),
    (
        "rate_limit_changed",
        &[],
        &[(
            r#"          x-operationId: api_entreprise_v3_urssaf_attestation_vigilance
"#,
            r#"          x-operationId: api_entreprise_v3_dgfip_attestations_fiscales
"#,
        )],
    ),
    (
        "required_parameter_added",
        &[],
        &[(
            r#"        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      security:
"#,
            r#"        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: annee
        in: query
        required: true
        schema:
          type: string
      security:
"#,
        )],
    ),
    // A cookie is a parameter as a query one is: a required one added breaks callers.
    (
        "required_cookie_parameter_added",
        &[],
        &[(
            r#"        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      security:
"#,
            r#"        schema:
          type: string
      - name: siren
        in: path
        required: true
        schema:
          type: string
      - name: session
        in: cookie
        required: true
        schema:
          type: string
      security:
"#,
        )],
    ),
    (
        "success_response_added",
        &[(
            r#"          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      siren:
                        type: string
                      date_creation:
                        type: string
                        format: date
                      date_cessation:
                        type: string
                        format: date
                        nullable: true
                      etat_administratif:
                        type: string
                        enum:
                        - A
                        - C
                      etablissements:
                        type: array
                        items:
                          type: object
                          properties:
                            siret:
                              type: string
                            effectif:
                              type: integer
                          required:
                          - siret
                    required:
                    - siren
                    - date_creation
                    - date_cessation
                    - etat_administratif
                  links:
                    type: object
                    properties:
                      siege_social:
                        type: string
                required:
                - data
"#,
            r#""#,
        )],
        &[(
            r#"          x-operationId: api_entreprise_v3_insee_unites_legales
        '404':
"#,
            r#"          x-operationId: api_entreprise_v3_insee_unites_legales
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      siren:
                        type: string
                      date_creation:
                        type: string
                        format: date
                      date_cessation:
                        type: string
                        format: date
                        nullable: true
                      etat_administratif:
                        type: string
                        enum:
                        - A
                        - C
                      etablissements:
                        type: array
                        items:
                          type: object
                          properties:
                            siret:
                              type: string
                            effectif:
                              type: integer
                          required:
                          - siret
                    required:
                    - siren
                    - date_creation
                    - date_cessation
                    - etat_administratif
                  links:
                    type: object
                    properties:
                      siege_social:
                        type: string
                required:
                - data
        '404':
"#,
        )],
    ),
    (
        "success_response_removed",
        &[],
        &[(
            r#"          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      siren:
                        type: string
                      date_creation:
                        type: string
                        format: date
                      date_cessation:
                        type: string
                        format: date
                        nullable: true
                      etat_administratif:
                        type: string
                        enum:
                        - A
                        - C
                      etablissements:
                        type: array
                        items:
                          type: object
                          properties:
                            siret:
                              type: string
                            effectif:
                              type: integer
                          required:
                          - siret
                    required:
                    - siren
                    - date_creation
                    - date_cessation
                    - etat_administratif
                  links:
                    type: object
                    properties:
                      siege_social:
                        type: string
                required:
                - data
"#,
            r#""#,
        )],
    ),
    (
        "traceability_changed",
        &[],
        &[(
            r#"      summary: Attestation de vigilance
      parameters:
      - name: context
        in: query
        required: true
        schema:
          type: string
      - name: recipient
        in: query
        required: true
        schema:
          type: string
      - name: object
        in: query
        required: true
        schema:
          type: string
      - name: siren
        in: path
"#,
            r#"      summary: Attestation de vigilance
      parameters:
      - name: siren
        in: path
"#,
        )],
    ),
    (
        "type_renamed",
        &[],
        &[(
            r#"components:
"#,
            r#"  "/v3/insee/etablissements_secondaires/{siren}":
    get:
      summary: Établissements secondaires
      parameters:
      - name: siren
        in: path
        required: true
        schema:
          type: string
      responses:
        '200':
          description: Établissements trouvés
          x-operationId: api_entreprise_v3_insee_etablissements_secondaires
          content:
            application/json:
              schema:
                type: object
                properties:
                  etablissements:
                    type: array
                    items:
                      type: object
                      properties:
                        numero:
                          type: integer
components:
"#,
        )],
    ),
];

/// The old and new specs of `case`.
pub fn specs(case: &str) -> (String, String) {
    if let Some((_, lines)) = REMOVED_ONCE_DEPRECATED
        .iter()
        .find(|(name, _)| *name == case)
    {
        return removed_once_deprecated(lines);
    }
    let (_, to_old, to_new) = CASES
        .iter()
        .find(|(name, _, _)| *name == case)
        .unwrap_or_else(|| panic!("no diff case `{case}`"));
    let old = apply(BASE.to_string(), to_old, case);
    let new = apply(old.clone(), to_new, case);
    (old, new)
}

/// The removal of `operation_removed`, of a route first given these lines (deprecated, with
/// or without a sunset day): removing it is then the path callers were told of, or breaks
/// them when done before the day.
pub const REMOVED_ONCE_DEPRECATED: &[(&str, &str)] = &[
    (
        "operation_removed_after_deprecation",
        "      deprecated: true\n",
    ),
    (
        "operation_removed_after_sunset",
        "      deprecated: true\n      x-sunset: '2000-01-01'\n",
    ),
    (
        "operation_removed_before_sunset",
        "      deprecated: true\n      x-sunset: '2999-01-01'\n",
    ),
];

fn removed_once_deprecated(lines: &str) -> (String, String) {
    const SUMMARY: &str = "      summary: Attestation de vigilance\n";
    let (_, _, removal) = CASES
        .iter()
        .find(|(name, _, _)| *name == "operation_removed")
        .expect("the removal case");
    let route = removal[0]
        .0
        .replacen(SUMMARY, &format!("{SUMMARY}{lines}"), 1);
    let old = apply(
        BASE.to_string(),
        &[(SUMMARY, &format!("{SUMMARY}{lines}"))],
        "deprecated",
    );
    let new = old.replacen(&route, "", 1);
    assert_ne!(old, new, "the route is removed");
    (old, new)
}

fn apply(mut text: String, edits: &[(&str, &str)], case: &str) -> String {
    for (find, replace) in edits {
        assert_eq!(
            text.matches(find).count(),
            1,
            "{case}: the edit's text must occur once: {find:?}"
        );
        text = text.replacen(find, replace, 1);
    }
    text
}
