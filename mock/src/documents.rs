//! Documents: the payloads' `document_url` / `url` fields point to hosts a test cannot reach,
//! so answered bodies point them at the mock itself, which hands out one small PDF under
//! `/mock-files/<name>`. `expires_in` is left as the payload has it.

use serde_json::Value;

/// Where the mock serves documents.
pub(crate) const FILES_PREFIX: &str = "/mock-files/";

/// Rewrites, in place, every URL field that designates a document to
/// `{base_url}/mock-files/<name>`. Returns whether anything changed.
///
/// `document_url` always designates one. `url` also names web pages (a collective agreement on
/// Légifrance, a certifier's page), so it is rewritten only when it looks like a file: a known
/// document extension, or "document" in its path.
pub(crate) fn rewrite_document_urls(value: &mut Value, base_url: &str) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            for (key, field) in map.iter_mut() {
                if let Value::String(url) = field {
                    if is_document_field(key, url) {
                        let local = local_url(base_url, url);
                        if *url != local {
                            *url = local;
                            changed = true;
                        }
                    }
                } else {
                    changed |= rewrite_document_urls(field, base_url);
                }
            }
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
            rewrite_document_urls(item, base_url) | changed
        }),
        _ => false,
    }
}

fn is_document_field(key: &str, url: &str) -> bool {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return false;
    }
    match key {
        "document_url" => true,
        "url" => {
            let path = url_path(url).to_ascii_lowercase();
            const EXTENSIONS: [&str; 6] = [".pdf", ".jpg", ".jpeg", ".png", ".zip", ".xml"];
            EXTENSIONS.iter().any(|e| path.ends_with(e)) || path.contains("document")
        }
        _ => false,
    }
}

/// The path of an absolute URL, without query or fragment.
fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |slash| &after_scheme[slash..]);
    path.split(['?', '#']).next().unwrap_or_default()
}

/// `{base_url}/mock-files/<name>`, `<name>` being the original file name made safe.
fn local_url(base_url: &str, url: &str) -> String {
    format!("{base_url}{FILES_PREFIX}{}", file_name(url))
}

/// The last path segment of `url`, reduced to characters that need no escaping, with `.pdf`
/// added when it has no extension: `https://h/x/carte_tp.pdf` → `carte_tp.pdf`,
/// `https://data.inpi.fr/export/companies?format=pdf` → `companies.pdf`.
pub(crate) fn file_name(url: &str) -> String {
    let last = url_path(url).rsplit('/').next().unwrap_or_default();
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = name.trim_matches(['.', '_']);
    if stem.is_empty() {
        name = "document".to_string();
    }
    if !name.contains('.') {
        name.push_str(".pdf");
    }
    name
}

/// Whether `name` is one the mock could have handed out: a single safe segment.
pub(crate) fn is_served_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// A one-page PDF saying it is a demonstration document. Built with its cross-reference
/// table computed, so strict readers open it.
pub(crate) fn demo_pdf() -> Vec<u8> {
    let text = "BT /F1 18 Tf 72 720 Td (API Entreprise - document de demonstration) Tj \
                0 -28 Td /F1 12 Tf (Servi par apie mock: aucune donnee reelle.) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref_at = pdf.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        xref.push_str(&format!("{offset:010} 00000 n \n"));
    }
    xref.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(xref.as_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn document_links_point_to_the_mock() {
        let mut body = json!({"data": {
            "document_url": "https://raw.githubusercontent.com/x/y/carte_tp.pdf",
            "expires_in": 7889238,
            "documents": [{"url": "https://storage.entreprise.api.gouv.fr/siade/1-doc.pdf"}],
            "convention": {"url": "https://www.legifrance.gouv.fr/affichIDCC.do?idConvention=K"},
            "fiche": {"url": "https://www.opqibi.com/fiche/1777"},
            "absent": {"document_url": null}
        }});
        assert!(rewrite_document_urls(&mut body, "http://127.0.0.1:1"));
        assert_eq!(
            body["data"]["document_url"],
            "http://127.0.0.1:1/mock-files/carte_tp.pdf"
        );
        assert_eq!(body["data"]["expires_in"], 7889238);
        assert_eq!(
            body["data"]["documents"][0]["url"],
            "http://127.0.0.1:1/mock-files/1-doc.pdf"
        );
        assert!(body["data"]["convention"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.legifrance"));
        assert_eq!(
            body["data"]["fiche"]["url"],
            "https://www.opqibi.com/fiche/1777"
        );
        assert!(body["data"]["absent"]["document_url"].is_null());
        // Twice is the same as once.
        assert!(!rewrite_document_urls(&mut body, "http://127.0.0.1:1"));
    }

    #[test]
    fn file_names_are_single_safe_segments() {
        assert_eq!(
            file_name("https://data.inpi.fr/export/companies?format=pdf&ids=[\"552049447\"]"),
            "companies.pdf"
        );
        assert_eq!(
            file_name("https://entreprise.api.gouv.fr/url-du-document"),
            "url-du-document.pdf"
        );
        assert_eq!(file_name("https://h/a%20b.jpg"), "a_20b.jpg");
        assert_eq!(file_name("https://h/"), "document.pdf");
        for name in ["companies.pdf", "a_20b.jpg", "document.pdf"] {
            assert!(is_served_name(name));
        }
        assert!(!is_served_name("../etc"));
        assert!(!is_served_name("a/b"));
    }

    #[test]
    fn the_pdf_has_a_consistent_cross_reference_table() {
        let pdf = demo_pdf();
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.ends_with("%%EOF\n"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(text[startxref..].starts_with("xref"));
        for (i, line) in text[startxref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
    }
}
