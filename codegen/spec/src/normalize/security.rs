//! Security: the spec's schemes (`components.securitySchemes`) and its requirement objects
//! (`security`, at the root and per operation), read into how each operation sends the
//! secret. The spec's own requirements decide: an operation's `security` wins over the
//! root's, an empty list or an empty requirement (`{}`) means no secret.

use std::collections::BTreeMap;

use super::{AuthScheme, Normalizer};
use crate::diagnostic::escape_pointer_token;
use crate::load::{Node, Value};

/// The schemes the client can send, by name; those it cannot are left out (with a warning),
/// so that a requirement naming one falls to its next alternative.
#[derive(Debug, Default)]
pub(super) struct Schemes {
    by_name: BTreeMap<String, Option<AuthScheme>>,
}

impl Normalizer<'_> {
    /// Reads `components.securitySchemes`. The published http scheme also carries `name` and
    /// `in`, which belong to apiKey schemes: ignored with a warning.
    pub(super) fn security_schemes(&mut self) -> Schemes {
        let root = self.root;
        let mut schemes = Schemes::default();
        let Some(found) = root
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
        else {
            return schemes;
        };
        for (name, scheme) in found.entries() {
            let pointer = format!("/components/securitySchemes/{}", escape_pointer_token(name));
            let auth = self.scheme(scheme, &pointer);
            schemes.by_name.insert(name.clone(), auth);
        }
        schemes
    }

    fn scheme(&mut self, scheme: &Node, pointer: &str) -> Option<AuthScheme> {
        let text = |key: &str| scheme.get(key).and_then(Node::as_str);
        let kind = text("type").unwrap_or_default();
        let unsupported = |this: &mut Self, what: String| {
            let message =
                format!("{what}: not supported, an operation requiring only it is sent no secret");
            this.warn("unsupported-security-scheme", scheme, pointer, message);
            None
        };
        match kind {
            "http" => {
                let stray: Vec<&str> = ["name", "in"]
                    .into_iter()
                    .filter(|k| scheme.get(k).is_some())
                    .collect();
                if !stray.is_empty() {
                    self.warn(
                        "http-scheme-with-apikey-fields",
                        scheme,
                        pointer,
                        format!("http scheme carries apiKey field(s) {}: ignored, the token goes in `Authorization: Bearer`", stray.join(", ")),
                    );
                }
                // `scheme` is case-insensitive (RFC 7235); a missing one is read as bearer,
                // the only http scheme the platform uses.
                match text("scheme").map(str::to_ascii_lowercase).as_deref() {
                    None | Some("bearer") => Some(AuthScheme::Bearer),
                    Some(other) => unsupported(self, format!("http scheme `{other}`")),
                }
            }
            // Both send an access token obtained elsewhere as a bearer token.
            "oauth2" | "openIdConnect" => Some(AuthScheme::Bearer),
            "apiKey" => match (text("in"), text("name")) {
                (Some("header"), Some(name)) => Some(AuthScheme::ApiKeyHeader(name.to_string())),
                (Some("query"), Some(name)) => {
                    self.warn(
                        "secret-in-query",
                        scheme,
                        pointer,
                        format!("the API key goes in the query parameter `{name}`: the URL holds the secret, so the client never shows a URL it sent"),
                    );
                    Some(AuthScheme::ApiKeyQuery(name.to_string()))
                }
                (place, name) => unsupported(
                    self,
                    format!(
                        "an apiKey in {} named {}",
                        place.unwrap_or("no place"),
                        name.unwrap_or("nothing")
                    ),
                ),
            },
            other => unsupported(self, format!("security scheme type `{other}`")),
        }
    }

    /// How an operation whose `security` is `node` sends the secret, and the scopes its
    /// token needs: the first alternative the client can send (an empty one, `{}`, sends
    /// nothing); `None` when `node` is absent (the caller falls back to the root's).
    pub(super) fn requirement(
        &mut self,
        node: Option<&Node>,
        pointer: &str,
        schemes: &Schemes,
    ) -> Option<Requirement> {
        let node = node?;
        if !matches!(node.value, Value::Seq(_)) {
            let message = format!(
                "`security` must be a list of requirement objects, found {}: no secret sent",
                node.kind_name()
            );
            self.error("bad-security", node, pointer, message);
            return Some(Requirement::default());
        }
        for (i, alternative) in node.items().iter().enumerate() {
            let at = format!("{pointer}/{i}");
            let names: Vec<&String> = alternative.entries().iter().map(|(name, _)| name).collect();
            let Some(first) = names.first() else {
                return Some(Requirement::default());
            };
            match schemes.by_name.get(first.as_str()) {
                None => {
                    let message = format!("no security scheme `{first}` in components.securitySchemes: this alternative is skipped");
                    self.warn("unknown-security-scheme", alternative, &at, message);
                }
                Some(None) => {}
                Some(Some(auth)) => {
                    if names.len() > 1 {
                        let message = format!("this requirement asks for {} schemes at once; the client sends only `{first}`", names.len());
                        self.warn("several-security-schemes", alternative, &at, message);
                    }
                    // The scopes its token needs (OAuth2, OpenID Connect; `[]` for others).
                    let scopes = alternative.entries()[0]
                        .1
                        .items()
                        .iter()
                        .filter_map(Node::scalar_text)
                        .collect();
                    return Some(Requirement {
                        auth: auth.clone(),
                        scopes,
                    });
                }
            }
        }
        Some(Requirement::default())
    }
}

/// What one security requirement asks of a call: how the secret is sent, and the scopes the
/// token needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Requirement {
    pub(crate) auth: AuthScheme,
    pub(crate) scopes: Vec<String>,
}
