//! ARCHITECTURE.md's table of diff rules lists every rule of the registry with the levels it
//! declares: a newcomer reads the rules there, so a rule added without its row fails here.

use apie_diff::rules::REGISTRY;

#[test]
fn the_architecture_table_lists_every_rule_with_its_levels() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).expect("ARCHITECTURE.md is readable");
    for rule in REGISTRY {
        let id = rule.kind.id();
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("ARCHITECTURE.md has no row for `{id}`"));
        let levels: Vec<&str> = rule.levels.iter().map(|l| l.as_str()).collect();
        let column = row.split('|').nth(2).unwrap_or_default().trim();
        assert_eq!(column, levels.join(" / "), "the levels of `{id}`: {row}");
    }
}
