//! Endpoint groups and the rules that class operations into them: any number of groups,
//! named by the profile, each with limits of any window counted per token or per IP, and an
//! ordered list of rules (by id, route, route prefix, or a property of the success body)
//! whose first match decides an operation's group and its limit of its own.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One group's numbers (`groups.<name>`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    /// Its limits, each in a window of its own (`{calls: 20, per_secs: 1}` beside
    /// `{calls: 1000, per_secs: 60}`); none: only the IP's limit counts.
    #[serde(default)]
    pub limits: Vec<LimitRule>,
    /// Who the limits count: each token (the default) or the IP address.
    #[serde(default)]
    pub counted_per: CountedPer,
    /// Recommended client timeout.
    pub timeout_ms: u64,
    /// Largest answer body the client reads, in bytes: a bigger one is refused
    /// (`Error::BodyTooLarge`) rather than held in memory.
    pub max_body_bytes: u64,
}

/// At most `calls` calls in each fixed window of `per_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitRule {
    /// Calls a window allows.
    pub calls: u32,
    /// The window's length, in seconds.
    pub per_secs: u64,
}

impl std::fmt::Display for LimitRule {
    /// `250/min`, `3/s`, `40/10s`, as the runtime's `Limit` reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.per_secs {
            60 => write!(f, "{}/min", self.calls),
            1 => write!(f, "{}/s", self.calls),
            secs => write!(f, "{}/{secs}s", self.calls),
        }
    }
}

/// Who a group's limits count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountedPer {
    /// Each token apart.
    #[default]
    Token,
    /// The IP address, all tokens together.
    Ip,
}

/// One rule of `classify`: what it matches (exactly one of its matchers), the group it
/// classes the operation in, and a limit of the operation's own.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyRule {
    /// The x-operationId without prefix and version (any version).
    #[serde(default)]
    pub short_id: Option<String>,
    /// One x-operationId.
    #[serde(default)]
    pub operation_id: Option<String>,
    /// One path template.
    #[serde(default)]
    pub route: Option<String>,
    /// Every route under this prefix.
    #[serde(default)]
    pub route_prefix: Option<String>,
    /// An operation whose success body has a property of this name (at any depth): a
    /// document endpoint hands out a link.
    #[serde(default)]
    pub success_property: Option<String>,
    /// The group (a key of `groups`).
    pub group: String,
    /// A limit of the operation's own, counted beside its group's; none: its group's.
    #[serde(default)]
    pub own_limit: Option<LimitRule>,
}

/// What a classify rule is matched against.
#[derive(Clone, Copy)]
pub struct Classified<'a> {
    /// The x-operationId.
    pub operation_id: &'a str,
    /// Its id without prefix and version.
    pub short_id: &'a str,
    /// The path template.
    pub path: &'a str,
    /// Whether the success body has a property of a given name.
    pub has_success_property: &'a dyn Fn(&str) -> bool,
}

/// What one classify rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matcher<'a> {
    /// An id without prefix and version.
    ShortId(&'a str),
    /// One x-operationId.
    OperationId(&'a str),
    /// One path template.
    Route(&'a str),
    /// Routes under a prefix.
    RoutePrefix(&'a str),
    /// A property of the success body.
    SuccessProperty(&'a str),
}

impl ClassifyRule {
    /// The matchers this rule sets: a valid rule sets exactly one.
    pub fn matchers(&self) -> impl Iterator<Item = Matcher<'_>> {
        [
            self.short_id.as_deref().map(Matcher::ShortId),
            self.operation_id.as_deref().map(Matcher::OperationId),
            self.route.as_deref().map(Matcher::Route),
            self.route_prefix.as_deref().map(Matcher::RoutePrefix),
            self.success_property
                .as_deref()
                .map(Matcher::SuccessProperty),
        ]
        .into_iter()
        .flatten()
    }

    /// Whether the rule covers this operation.
    pub fn matches(&self, op: &Classified<'_>) -> bool {
        self.matchers().any(|matcher| match matcher {
            Matcher::ShortId(id) => op.short_id == id,
            Matcher::OperationId(id) => op.operation_id == id,
            Matcher::Route(route) => op.path == route,
            Matcher::RoutePrefix(prefix) => op.path.starts_with(prefix),
            Matcher::SuccessProperty(name) => (op.has_success_property)(name),
        })
    }
}

/// The profile's problems with its groups, as `(path, message)` pairs for diagnostics.
pub(crate) fn problems(
    groups: &BTreeMap<String, GroupRule>,
    classify: &[ClassifyRule],
    named: &[(&str, &str)],
) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let unknown = |name: &str| {
        let known: Vec<&str> = groups.keys().map(String::as_str).collect();
        format!(
            "`{name}` is not a group of `groups` (one of {})",
            known.join(", ")
        )
    };
    for (key, name) in named {
        if !groups.contains_key(*name) {
            out.push((vec![key.to_string()], unknown(name)));
        }
    }
    for (i, rule) in classify.iter().enumerate() {
        let at = |key: &str| vec!["classify".to_string(), i.to_string(), key.to_string()];
        if rule.matchers().count() != 1 {
            out.push((
                vec!["classify".to_string(), i.to_string()],
                "a classify rule names exactly one of `short_id`, `operation_id`, `route`, \
                 `route_prefix`, `success_property`"
                    .to_string(),
            ));
        }
        if !groups.contains_key(&rule.group) {
            out.push((at("group"), unknown(&rule.group)));
        }
        if let Some(limit) = &rule.own_limit {
            out.extend(limit_problem(limit).map(|m| (at("own_limit"), m)));
        }
    }
    for (name, group) in groups {
        // The name becomes a constant of the generated crate (`GROUP_JSON`).
        let snake = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !snake {
            out.push((
                vec!["groups".to_string(), name.clone()],
                format!("`{name}` is not a group name: lower-case ASCII letters, digits and `_`"),
            ));
        }
        for (i, limit) in group.limits.iter().enumerate() {
            let at = vec![
                "groups".to_string(),
                name.clone(),
                "limits".to_string(),
                i.to_string(),
            ];
            out.extend(limit_problem(limit).map(|m| (at.clone(), m)));
        }
    }
    out
}

/// The profile's problems with its IP limits (`ip_limits/<i>`), as [`problems`] gives them.
pub(crate) fn ip_limit_problems(limits: &[LimitRule]) -> Vec<(Vec<String>, String)> {
    limits
        .iter()
        .enumerate()
        .filter_map(|(i, limit)| {
            let at = vec!["ip_limits".to_string(), i.to_string()];
            limit_problem(limit).map(|m| (at, m))
        })
        .collect()
}

fn limit_problem(limit: &LimitRule) -> Option<String> {
    if limit.per_secs == 0 {
        Some("the window cannot last 0 seconds".to_string())
    } else if limit.calls == 0 {
        Some("a limit of 0 calls allows nothing: remove the operation instead".to_string())
    } else {
        None
    }
}
