//! What a token is allowed to call: its scopes, from the server's
//! privileges route (a generated call that answers [`Privileges`]) or from the token itself, and the operations they
//! open according to the scope map read at build time
//! ([`Platform::required_scopes`](super::Platform::required_scopes)).

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::client::Client;
use super::meta::OperationMeta;
use super::platform::Platform;

/// The scopes of a token. Decoded from the server's answer, it keeps that answer whole
/// ([`received`](Self::received)) and serialises back to it, fields the client does not read
/// included; made from a list, it serialises as `{"privileges": [...]}`, which it decodes
/// from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Privileges {
    scopes: Vec<String>,
    received: Option<Value>,
}

impl Privileges {
    /// Privileges made of these scopes.
    pub fn new(scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            scopes: scopes.into_iter().map(Into::into).collect(),
            received: None,
        }
    }

    /// The server's answer as it was sent, when these privileges were decoded from one:
    /// nothing of it is lost, whatever shape the route answers in.
    pub fn received(&self) -> Option<&Value> {
        self.received.as_ref()
    }

    /// The scopes, as the server or the token lists them.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether these scopes open `op` on `platform`: `None` when its scope map does not
    /// list it (or was not found when the crate was built), so the answer
    /// is unknown rather than a guess.
    pub fn allows(&self, platform: &Platform, op: &OperationMeta) -> Option<bool> {
        if !op.requires_token() {
            return Some(true);
        }
        let needed = platform.required_scopes(op.operation_id)?;
        Some(needed.is_empty() || needed.iter().any(|s| self.scopes.iter().any(|o| o == s)))
    }

    /// The operations of every spec of `platform` these scopes are known to open.
    pub fn allowed_operations(&self, platform: &Platform) -> Vec<&'static OperationMeta> {
        platform
            .all_operations()
            .filter(|op| self.allows(platform, op) == Some(true))
            .collect()
    }
}

/// The answer of the `/privileges` route, which the spec publishes without a schema (the
/// profile's `response_types` types it with this).
impl<'de> Deserialize<'de> for Privileges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let body = Value::deserialize(deserializer)?;
        let scopes = scopes_in(&body).ok_or_else(|| {
            D::Error::custom("no list of privileges (`privileges` or `scopes`) in the answer")
        })?;
        Ok(Privileges {
            scopes,
            received: Some(body),
        })
    }
}

impl Serialize for Privileges {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.received {
            Some(body) => body.serialize(serializer),
            None => serde_json::json!({ "privileges": self.scopes }).serialize(serializer),
        }
    }
}

impl Client {
    /// The token's scopes as the token itself states them, without a call.
    /// `None` when the token is not a readable JWT.
    pub fn token_privileges(&self) -> Option<Privileges> {
        self.token_claims().map(|c| Privileges::new(c.scopes))
    }
}

/// The list of scope names in a `/privileges` answer. The spec gives no
/// schema and the route's answer has changed shape over the versions, so
/// the list is looked for under `privileges` or `scopes`, at the top or in
/// `data`.
fn scopes_in(body: &Value) -> Option<Vec<String>> {
    let candidates = [
        body.get("privileges"),
        body.get("scopes"),
        body.pointer("/data/privileges"),
        body.pointer("/data/scopes"),
    ];
    let list = candidates.into_iter().flatten().find_map(Value::as_array)?;
    Some(
        list.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_an_answer_and_refuses_one_without_a_list() {
        let p: Privileges = serde_json::from_value(json!({"data": {"privileges": ["x"]}})).unwrap();
        assert_eq!(p.scopes(), ["x"]);
        let e = serde_json::from_value::<Privileges>(json!({"data": {}})).unwrap_err();
        assert!(e.to_string().contains("no list of privileges"), "{e}");
    }

    #[test]
    fn finds_the_list_in_each_known_shape() {
        for body in [
            json!({"privileges": ["a", "b"]}),
            json!({"data": {"privileges": ["a", "b"]}, "links": {}, "meta": {}}),
            json!({"data": {"scopes": ["a", "b"]}}),
        ] {
            assert_eq!(scopes_in(&body).unwrap(), ["a", "b"], "{body}");
        }
        assert_eq!(scopes_in(&json!({"data": {}})), None);
    }
}
