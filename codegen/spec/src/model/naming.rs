//! Naming: how spec words become Rust identifiers. ASCII only, accents folded (`é` → `e`,
//! `œ` → `oe`), never a dropped letter, keywords escaped.

/// Folds a French (Latin) text to ASCII letter by letter; other characters become spaces,
/// which separate words.
pub fn ascii_fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
            'ç' => "c",
            'Ç' => "C",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'È' | 'É' | 'Ê' | 'Ë' => "E",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'Ì' | 'Í' | 'Î' | 'Ï' => "I",
            'ñ' => "n",
            'Ñ' => "N",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "O",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
            'ý' | 'ÿ' => "y",
            'Ý' | 'Ÿ' => "Y",
            'œ' => "oe",
            'Œ' => "OE",
            'æ' => "ae",
            'Æ' => "AE",
            'ß' => "ss",
            _ => " ",
        };
        out.push_str(folded);
    }
    out
}

/// Splits a text into words: on non-alphanumerics and on lower→upper case changes.
pub fn words(text: &str) -> Vec<String> {
    let folded = ascii_fold(text);
    let mut out = Vec::new();
    for chunk in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|c| !c.is_empty())
    {
        let mut current = String::new();
        let mut prev_lower = false;
        for c in chunk.chars() {
            if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

/// `personne_morale_attributs` → `PersonneMoraleAttributs`; `NAFRev2` stays `NAFRev2`.
pub fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    for w in words(text) {
        let mut chars = w.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            let rest: String = chars.collect();
            // An all-caps word (`SIREN`, `TVA`) reads better as `Siren`; mixed case is kept.
            if w.chars().all(|c| !c.is_ascii_lowercase()) {
                out.push_str(&rest.to_ascii_lowercase());
            } else {
                out.push_str(&rest);
            }
        }
    }
    out
}

/// `dateCreation` → `date_creation`.
pub fn snake_case(text: &str) -> String {
    words(text)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// A snake_case identifier for a field, argument or method; keywords become raw
/// identifiers (`r#type`), and names that cannot be raw get a trailing underscore.
pub fn field_ident(text: &str) -> String {
    let mut s = snake_case(text);
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if matches!(s.as_str(), "self" | "super" | "crate" | "_") {
        return format!("{s}_");
    }
    if KEYWORDS.contains(&s.as_str()) {
        return format!("r#{s}");
    }
    s
}

/// A PascalCase identifier for a type or variant; never empty, never starting with a digit.
pub fn type_ident(text: &str) -> String {
    let s = pascal_case(text);
    if s.is_empty() {
        return "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{s}");
    }
    if s == "Self" {
        return "Self_".into();
    }
    s
}

/// Names from the prelude that generated code uses unqualified; a type of the spec never
/// takes one of them.
pub const PRELUDE_NAMES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Send", "Sync",
    "From", "Into", "Default", "Clone", "Copy",
];

/// Methods the handwritten runtime defines on `Client`, which the generated `Client` reaches
/// through `Deref`: a module accessor never takes one, which would hide it
/// (a module named `throttle` would open with `client.throttle_routes()`). `tests/runtime_reserved_names.rs` in the client crate
/// checks this list against the runtime's own methods.
pub const RUNTIME_CLIENT_METHODS: &[&str] = &[
    "builder",
    "base_url",
    "execute",
    "execute_built",
    "execute_bytes",
    "token_claims",
    "token_privileges",
    "download_document",
    "download_document_to_file",
    "throttle",
    "throttle_snapshot",
    "clock",
    "maintenance_time_zone",
    "maintenance_until",
    "platform",
];

/// The `Client` method that opens a module's operations: the module's name, or
/// `<module>_routes` when the runtime reserves that name.
pub fn module_accessor(module: &str) -> String {
    if RUNTIME_CLIENT_METHODS.contains(&module) {
        format!("{module}_routes")
    } else {
        module.to_string()
    }
}

/// The request builder type of a method: `insee_unites_legales` → `InseeUnitesLegalesRequest`.
pub fn builder_ident(method_name: &str) -> String {
    format!(
        "{}Request",
        type_ident(method_name.trim_start_matches("r#"))
    )
}

/// The Rust type the generated code uses for a [`TypeRef`](super::TypeRef), as the diff and the docs spell it
/// (runtime and model paths shortened: `ApiDate`, `Adresse`).
pub fn rust_type_text(ty: &super::TypeRef) -> String {
    rust_type_path(ty, "", "")
}

/// The Rust type of a [`TypeRef`](super::TypeRef) with the paths emit writes before model types
/// (`super::models::`) and runtime types (`crate::runtime::`): one spelling for the generated
/// code, the diff and the docs.
pub fn rust_type_path(ty: &super::TypeRef, models: &str, runtime: &str) -> String {
    use super::TypeRef;
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Date => format!("{runtime}ApiDate"),
        TypeRef::DateTime => format!("{runtime}ApiDateTime"),
        TypeRef::Any => "serde_json::Value".into(),
        TypeRef::Named(name) => format!("{models}{name}"),
        TypeRef::Runtime(name) => format!("{runtime}{name}"),
        TypeRef::Array(inner) => format!("Vec<{}>", rust_type_path(inner, models, runtime)),
        TypeRef::Map(inner) => format!(
            "::std::collections::BTreeMap<String, {}>",
            rust_type_path(inner, models, runtime)
        ),
        TypeRef::Nullable(inner) => format!("Option<{}>", rust_type_path(inner, models, runtime)),
    }
}

/// The Rust type of a struct field, with [`rust_type_path`]'s paths: `T` when always there
/// and never null, `Option<T>` when it may be missing or null, `Option<Option<T>>` when it may
/// be either ([`Field::absent_or_null`](super::Field::absent_or_null)).
pub fn field_type_path(field: &super::Field, models: &str, runtime: &str) -> String {
    let inner = rust_type_path(&field.ty, models, runtime);
    if field.absent_or_null() {
        format!("Option<Option<{inner}>>")
    } else if field.optional {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

/// The name of the field of every generated struct that keeps the fields the spec does not
/// declare. [`field_ident`] can give it to a property (`undeclared`): the model reserves it,
/// and such a property gets `undeclared_alt`, as for any other clash.
pub const UNDECLARED_FIELD: &str = "undeclared";

/// A SCREAMING_SNAKE_CASE constant name; never empty, never starting with a digit.
pub fn const_ident(text: &str) -> String {
    let s = snake_case(text).to_ascii_uppercase();
    if s.is_empty() {
        return "UNNAMED".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "personne_morale_attributs",
                "PersonneMoraleAttributs",
                "personne_morale_attributs",
            ),
            ("adresse du siège", "AdresseDuSiege", "adresse_du_siege"),
            ("Pièce", "Piece", "piece"),
            ("Récipicé", "Recipice", "recipice"),
            ("NAFRev2", "NAFRev2", "nafrev2"),
            ("dateCreation", "DateCreation", "date_creation"),
            ("bilan complet", "BilanComplet", "bilan_complet"),
            ("cœur", "Coeur", "coeur"),
            ("SIREN", "Siren", "siren"),
        ];
        for (input, pascal, snake) in cases {
            assert_eq!(&type_ident(input), pascal, "pascal of {input}");
            assert_eq!(&snake_case(input), snake, "snake of {input}");
        }
    }

    #[test]
    fn identifiers_are_always_valid() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("2021"), "n2021");
        assert_eq!(field_ident("---"), "value");
        assert_eq!(type_ident("53"), "V53");
        assert_eq!(type_ident(""), "Empty");
        assert_eq!(const_ident("api_entreprise_v3_x"), "API_ENTREPRISE_V3_X");
        assert_eq!(const_ident("--"), "UNNAMED");
    }
}
