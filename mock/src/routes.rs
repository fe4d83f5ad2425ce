//! Request matching: method + path against the operations' path templates.
//!
//! Templates are compared segment by segment, empty segments ignored, so the v2 spec's
//! `/v2/privileges/` and `/watchdoge/.../` answer with or without their trailing slash.
//! When two templates match (`/unites_legales/diffusibles/{siren}` and
//! `/unites_legales/{siren}/siege_social` both take `/unites_legales/diffusibles/siege_social`),
//! the one with a literal where the other has a parameter, first from the left, wins; then
//! the earlier one.

use percent_encoding::percent_decode_str;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone)]
struct Route {
    method: String,
    segments: Vec<Segment>,
    /// Per segment, whether it is literal: compared left to right, literals first.
    specificity: Vec<bool>,
    operation: usize,
}

/// Every operation's route.
#[derive(Debug, Clone, Default)]
pub(crate) struct Router {
    routes: Vec<Route>,
}

/// What a request's method and path designate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RouteMatch {
    /// Operation `operation`, with the path parameters' decoded values by template name.
    Found {
        operation: usize,
        params: Vec<(String, String)>,
    },
    /// The path exists, not with this method.
    WrongMethod,
    /// No such path.
    NotFound,
}

impl Router {
    /// Adds the route of operation number `operation`.
    pub(crate) fn add(&mut self, method: &str, template: &str, operation: usize) {
        let segments: Vec<Segment> = split(template)
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Param(name.to_string()),
                    None => Segment::Literal(s.to_string()),
                },
            )
            .collect();
        let specificity = segments
            .iter()
            .map(|s| matches!(s, Segment::Literal(_)))
            .collect();
        self.routes.push(Route {
            method: method.to_ascii_uppercase(),
            segments,
            specificity,
            operation,
        });
    }

    /// The operation `method path` designates. `path` is the raw request path.
    pub(crate) fn find(&self, method: &str, path: &str) -> RouteMatch {
        let segments: Vec<String> = split(path)
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let mut best: Option<(&Route, Vec<(String, String)>)> = None;
        let mut path_known = false;
        for route in &self.routes {
            let Some(params) = match_segments(&route.segments, &segments) else {
                continue;
            };
            path_known = true;
            if !route.method.eq_ignore_ascii_case(method) {
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|(b, _)| route.specificity > b.specificity)
            {
                best = Some((route, params));
            }
        }
        match best {
            Some((route, params)) => RouteMatch::Found {
                operation: route.operation,
                params,
            },
            None if path_known => RouteMatch::WrongMethod,
            None => RouteMatch::NotFound,
        }
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn match_segments(template: &[Segment], path: &[String]) -> Option<Vec<(String, String)>> {
    if template.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (expected, actual) in template.iter().zip(path) {
        match expected {
            Segment::Literal(l) if l == actual => {}
            Segment::Literal(_) => return None,
            Segment::Param(name) => params.push((name.clone(), actual.clone())),
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router() -> Router {
        let mut r = Router::default();
        r.add(
            "GET",
            "/v3/insee/sirene/unites_legales/{siren}/siege_social",
            0,
        );
        r.add(
            "GET",
            "/v3/insee/sirene/unites_legales/diffusibles/{siren}",
            1,
        );
        r.add("GET", "/v2/privileges/", 2);
        r.add(
            "GET",
            "/v3/gip_mds/etablissements/{siret}/effectifs_mensuels/{month}/annee/{year}",
            3,
        );
        r
    }

    fn found(operation: usize, params: &[(&str, &str)]) -> RouteMatch {
        RouteMatch::Found {
            operation,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn templates_match_with_their_parameters() {
        let r = router();
        assert_eq!(
            r.find(
                "GET",
                "/v3/insee/sirene/unites_legales/552049447/siege_social"
            ),
            found(0, &[("siren", "552049447")])
        );
        assert_eq!(
            r.find(
                "GET",
                "/v3/gip_mds/etablissements/13002526500013/effectifs_mensuels/06/annee/2024"
            ),
            found(
                3,
                &[
                    ("siret", "13002526500013"),
                    ("month", "06"),
                    ("year", "2024")
                ]
            )
        );
    }

    #[test]
    fn literals_win_from_the_left() {
        assert_eq!(
            router().find(
                "GET",
                "/v3/insee/sirene/unites_legales/diffusibles/siege_social"
            ),
            found(1, &[("siren", "siege_social")])
        );
    }

    #[test]
    fn trailing_slashes_and_escapes_do_not_matter() {
        let r = router();
        assert_eq!(r.find("GET", "/v2/privileges"), found(2, &[]));
        assert_eq!(r.find("get", "/v2/privileges/"), found(2, &[]));
        assert_eq!(
            r.find("GET", "/v3/insee/sirene/unites_legales/diffusibles/55%2020"),
            found(1, &[("siren", "55 20")])
        );
    }

    #[test]
    fn unknown_paths_and_methods() {
        let r = router();
        assert_eq!(r.find("GET", "/v3/nowhere"), RouteMatch::NotFound);
        assert_eq!(r.find("POST", "/v2/privileges"), RouteMatch::WrongMethod);
        assert_eq!(r.find("GET", "/"), RouteMatch::NotFound);
    }
}
