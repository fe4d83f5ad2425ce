//! Generates the client's modules from the spec files and the platform profile in `spec/`
//! (see `apie_codegen::Config`) into `OUT_DIR`.

fn main() -> Result<(), apie_codegen::Error> {
    apie_codegen::Config::new().compile().map(drop)
}
