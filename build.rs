//! The client ships the code generated from the pinned spec, in `generated-client/generated/`
//! (CI regenerates it and checks it is the same, byte for byte), so that a build needs no
//! generator. With the `regenerate` feature, this script generates the modules again into
//! `OUT_DIR`, from the profile and specs in `spec/` or the files the variables name (see
//! `apie_codegen::Config`).

#[cfg(feature = "regenerate")]
fn main() -> Result<(), apie_codegen::Error> {
    apie_codegen::Config::new().compile().map(drop)
}

/// Without `regenerate`, a variable naming another spec or profile would be ignored: it is
/// refused instead, saying what to do.
#[cfg(not(feature = "regenerate"))]
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let mut set = Vec::new();
    for var in include_str!("generated-client/generated/variables.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        println!("cargo:rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            set.push(var);
        }
    }
    if !set.is_empty() {
        eprintln!(
            "error: {} set, but this build uses the code generated from the pinned spec: \
             enable the feature `regenerate` of api-entreprise to build from another spec \
             (api-entreprise = {{ version = \"…\", features = [\"regenerate\"] }}), or unset it",
            set.join(", ")
        );
        std::process::exit(1);
    }
}
