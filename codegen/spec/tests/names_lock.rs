//! The names lock over the published history: each version generated with the lock of the one
//! before keeps the name of every type whose places are still there. The only names a place
//! may change are those of a real split (its shape now differs from the one the name stayed
//! with); a name never disappears while one of its places is left.

use std::collections::BTreeMap;

use apie_spec::model::names_lock::NamesLock;

/// Renames between two locks, per place present in both: `(renamed, split)`, where a split
/// is a place whose old name lives on at other places of the new version.
fn renames(before: &NamesLock, after: &NamesLock, places: &[String]) -> (Vec<String>, usize) {
    let kept = after.names();
    let mut pure = Vec::new();
    let mut split = 0;
    for place in places {
        let (Some(old), Some(new)) = (before.name_of(place), after.name_of(place)) else {
            continue;
        };
        if old == new {
            continue;
        }
        if kept.contains(old) {
            split += 1;
        } else {
            pure.push(format!("{place}: {old} → {new}"));
        }
    }
    (pure, split)
}

fn places_of(lock_text: &str) -> Vec<String> {
    lock_text
        .lines()
        .filter_map(|l| l.split_once('\t').map(|(_, p)| p.to_string()))
        .collect()
}

#[test]
fn replaying_the_history_with_the_lock_renames_no_type_whose_places_remain() {
    let Some(dir) = apie_shared_data::spec_history() else {
        return;
    };
    let files = apie_shared_data::spec_files(&dir);
    assert!(files.len() > 10, "the history: {}", dir.display());
    let profile = apie_spec::profile::Profile::api_entreprise();
    let mut locked = NamesLock::default();
    let mut unlocked = NamesLock::default();
    let (mut with_lock, mut without_lock) = (0usize, 0usize);
    let mut splits = 0;
    let mut pure_renames: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let text = std::fs::read(file).unwrap();
        let name = file.display().to_string();
        let next = apie_spec::stages_with_lock(&name, &text, &profile, &locked)
            .unwrap_or_else(|d| panic!("{name}:\n{d}"));
        let next_lock = NamesLock::from_types(&next.loaded.api.types);
        let fresh = apie_spec::stages_with_profile(&name, &text, &profile).unwrap();
        let fresh_lock = NamesLock::from_types(&fresh.loaded.api.types);
        if i > 0 {
            let places = places_of(&next_lock.to_text());
            let (pure, split) = renames(&locked, &next_lock, &places);
            with_lock += pure.len() + split;
            splits += split;
            if !pure.is_empty() {
                pure_renames.insert(name.clone(), pure);
            }
            let (pure, split) = renames(&unlocked, &fresh_lock, &places_of(&fresh_lock.to_text()));
            without_lock += pure.len() + split;
        }
        // Same names for the same model, whatever the lock it is given: determinism.
        let again = apie_spec::stages_with_lock(&name, &text, &profile, &locked).unwrap();
        assert_eq!(
            NamesLock::from_types(&again.loaded.api.types),
            next_lock,
            "{name}: deterministic"
        );
        locked = next_lock;
        unlocked = fresh_lock;
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "names over {} versions: {without_lock} places renamed without the lock; with it \
         {with_lock}, all of them splits ({splits}: a place whose shape parted from the one \
         its name stayed with)",
        files.len()
    );
    assert!(
        pure_renames.is_empty(),
        "names that vanished while their places remain: {pure_renames:#?}"
    );
    assert!(
        without_lock > with_lock,
        "the lock keeps names the model alone changes"
    );
}
