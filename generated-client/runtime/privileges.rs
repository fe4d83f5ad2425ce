//! What a token is allowed to call: its scopes, from the server's
//! `/privileges` route or from the token itself, and the operations they
//! open according to the scope map read at build time
//! ([`required_scopes`](crate::required_scopes)).

use serde_json::Value;

use super::client::Client;
use super::errors::{DecodeError, Error};
use super::meta::{ApiVersion, EndpointGroup, OperationMeta};
use super::request::Request;

/// `GET /privileges`, described here rather than generated: it exists in
/// every version of the spec, but without a response schema.
const PRIVILEGES: OperationMeta = OperationMeta {
    operation_id: "privileges",
    version: ApiVersion::Unversioned,
    method: "GET",
    path: "/privileges",
    summary: "Privileges associés au jeton",
    group: EndpointGroup::Json,
    rate_limit_per_minute: match crate::platform::group_limit(EndpointGroup::Json) {
        Some(limit) => limit,
        None => crate::platform::IP_LIMIT,
    },
    timeout: crate::platform::group_timeout(EndpointGroup::Json),
    deprecated: false,
    maintenance: None,
    requires_token: true,
    traceability: &[],
    params: &[],
};

/// The scopes of a token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Privileges {
    scopes: Vec<String>,
}

impl Privileges {
    /// Privileges made of these scopes.
    pub fn new(scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            scopes: scopes.into_iter().map(Into::into).collect(),
        }
    }

    /// The scopes, as the server or the token lists them.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether these scopes open `op`: `None` when the scope map does not
    /// list it (or was not found when the crate was built), so the answer
    /// is unknown rather than a guess.
    pub fn allows(&self, op: &OperationMeta) -> Option<bool> {
        if !op.requires_token {
            return Some(true);
        }
        let needed = crate::required_scopes(op.operation_id)?;
        Some(needed.is_empty() || needed.iter().any(|s| self.scopes.iter().any(|o| o == s)))
    }

    /// The operations of both specs these scopes are known to open.
    pub fn allowed_operations(&self) -> Vec<&'static OperationMeta> {
        crate::all_operations()
            .filter(|op| self.allows(op) == Some(true))
            .collect()
    }
}

impl Client {
    /// The token's scopes as the server lists them (`GET /privileges`).
    pub async fn privileges(&self) -> Result<Privileges, Error> {
        let response = self
            .execute::<Value>(Request::new(&PRIVILEGES, PRIVILEGES.path.to_owned()))
            .await?;
        scopes_in(&response.body)
            .map(Privileges::new)
            .ok_or_else(|| {
                Error::Decode(DecodeError {
                    status: response.status,
                    path: ".".into(),
                    message: "no list of privileges (`privileges` or `scopes`) in the answer"
                        .into(),
                    raw_body: response.body.to_string(),
                })
            })
    }

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
