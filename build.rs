//! Generates the client's modules from the API Entreprise spec (see `apie_codegen::locate`
//! for where the spec is found) into `OUT_DIR`.

fn main() {
    apie_codegen::build_client();
}
