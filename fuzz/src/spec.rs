//! The generator's pipeline as `apie-codegen generate` runs it, in memory
//! ([`apie_codegen::config::render`]): the pinned profile, names lock and scope map, and the
//! fuzzed bytes as the root spec. The profile's second spec (the legacy v2) is left out, so
//! that an execution costs one spec's generation.

use std::path::PathBuf;
use std::sync::LazyLock;

use apie_codegen::config::{render, ScopeMapSource, SpecSource};
use apie_codegen::model::names_lock::NamesLock;
use apie_codegen::profile::{self, LoadedProfile};

const PROFILE: &str = include_str!("../../spec/profile.yml");
const LOCK: &str = include_str!("../../spec/api-entreprise.names.lock");
const LEGACY_LOCK: &str = include_str!("../../spec/api-entreprise-v2.names.lock");
const SCOPES: &str = include_str!("../../spec/siade_authorizations.yml");

/// The pinned profile with its root spec alone.
static LOADED: LazyLock<LoadedProfile> = LazyLock::new(|| {
    let mut profile = profile::parse("spec/profile.yml", PROFILE).expect("the pinned profile");
    profile.specs.truncate(1);
    LoadedProfile {
        profile,
        dir: None,
        sha256: apie_codegen::sha256_hex(PROFILE.as_bytes()),
    }
});

static PINNED_LOCK: LazyLock<NamesLock> =
    LazyLock::new(|| NamesLock::parse(LOCK).expect("the pinned names lock"));

static LEGACY_PINNED_LOCK: LazyLock<NamesLock> =
    LazyLock::new(|| NamesLock::parse(LEGACY_LOCK).expect("the pinned v2 names lock"));

/// Runs the whole pipeline on `text` as the root spec.
pub fn run(text: &[u8]) {
    run_with("api-entreprise.yml", &PINNED_LOCK, text);
}

/// [`run`] with the names lock of the legacy v2 spec, for texts made from that spec.
pub fn run_legacy(text: &[u8]) {
    run_with("api-entreprise-v2.yml", &LEGACY_PINNED_LOCK, text);
}

fn run_with(file: &str, lock: &NamesLock, text: &[u8]) {
    let spec = SpecSource {
        path: PathBuf::from(file),
        text: text.to_vec(),
        lock: lock.clone(),
    };
    let scopes = ScopeMapSource {
        path: PathBuf::from("siade_authorizations.yml"),
        text: SCOPES.to_string(),
    };
    // Refusing a spec with diagnostics is the expected answer; only a panic is a finding.
    let _ = render(&LOADED, &[spec], Some(&scopes));
}
