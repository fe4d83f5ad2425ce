//! The items of a generated file a snapshot is about, picked by selectors.
//!
//! A selector is `module::Name` (the struct, enum, const, fn or type alias `Name` in the
//! generated module `module`; `::Name` at the file's top), `impl module::Name` (the impl
//! blocks of `Name` there, trait impls included), or `module::*` (every item of the module
//! but its nested modules). Each selector must pick something: a snapshot that guards
//! nothing fails.

use syn::{Item, Type};

/// The items `selectors` pick from `code`, each group under a line naming its module, in
/// the file's order.
pub fn focus(code: &str, selectors: &[&str]) -> String {
    let file = syn::parse_file(code).unwrap_or_else(|e| panic!("generated code parses: {e}"));
    let mut picked: Vec<(String, Vec<Item>)> = Vec::new();
    let mut used = vec![false; selectors.len()];
    let mut seen = Vec::new();
    walk(file.items, "", selectors, &mut used, &mut picked, &mut seen);
    for (selector, used) in selectors.iter().zip(&used) {
        assert!(
            used,
            "the selector `{selector}` picks nothing; the file has:\n{}",
            seen.join("\n")
        );
    }
    let mut out = String::new();
    for (module, items) in picked {
        let file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items,
        };
        let module = if module.is_empty() { "(top)" } else { &module };
        out.push_str(&format!(
            "// in mod {module}\n{}\n",
            prettyplease::unparse(&file)
        ));
    }
    out
}

fn walk(
    items: Vec<Item>,
    module: &str,
    selectors: &[&str],
    used: &mut [bool],
    picked: &mut Vec<(String, Vec<Item>)>,
    seen: &mut Vec<String>,
) {
    for item in items {
        if let Item::Mod(inner) = item {
            if let Some((_, content)) = inner.content {
                let path = if module.is_empty() {
                    inner.ident.to_string()
                } else {
                    format!("{module}::{}", inner.ident)
                };
                walk(content, &path, selectors, used, picked, seen);
            }
            continue;
        }
        let Some((is_impl, name)) = name_of(&item) else {
            continue;
        };
        let label = format!("{}{module}::{name}", if is_impl { "impl " } else { "" });
        seen.push(label.clone());
        let wildcard = format!("{module}::*");
        let mut keep = false;
        for (i, selector) in selectors.iter().enumerate() {
            if *selector == label || *selector == wildcard {
                used[i] = true;
                keep = true;
            }
        }
        if keep {
            match picked.last_mut() {
                Some((m, items)) if m == module => items.push(item),
                _ => picked.push((module.to_string(), vec![item])),
            }
        }
    }
}

/// Whether `item` is an impl, and the name it is about.
fn name_of(item: &Item) -> Option<(bool, String)> {
    let name = match item {
        Item::Struct(i) => i.ident.to_string(),
        Item::Enum(i) => i.ident.to_string(),
        Item::Const(i) => i.ident.to_string(),
        Item::Static(i) => i.ident.to_string(),
        Item::Fn(i) => i.sig.ident.to_string(),
        Item::Type(i) => i.ident.to_string(),
        Item::Impl(i) => {
            let Type::Path(path) = &*i.self_ty else {
                return None;
            };
            return Some((true, path.path.segments.last()?.ident.to_string()));
        }
        _ => return None,
    };
    Some((false, name))
}
