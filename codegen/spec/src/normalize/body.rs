//! Request bodies: `requestBody` with its `$ref` resolved, each media type with its schema.

use super::{MediaBody, Normalizer, RequestBody};
use crate::diagnostic::escape_pointer_token;
use crate::load::Node;

impl<'a> Normalizer<'a> {
    /// The request body at `pointer`. The generated client sends a JSON one (its schema
    /// typed); any other (a form, a file) gets a warning: the client cannot send it, the diff
    /// compares it all the same.
    pub(super) fn request_body(
        &mut self,
        node: &'a Node,
        pointer: &str,
        label: &str,
    ) -> RequestBody {
        let node = self.deref(node, pointer);
        let required = node
            .get("required")
            .and_then(Node::as_bool)
            .unwrap_or(false);
        let mut content = Vec::new();
        for (media_type, media) in node.get("content").map(Node::entries).unwrap_or_default() {
            let at = format!("{pointer}/content/{}", escape_pointer_token(media_type));
            let schema = media
                .get("schema")
                .map(|s| self.schema(s, &format!("{at}/schema")));
            content.push(MediaBody {
                media_type: media_type.clone(),
                schema,
            });
        }
        let body = RequestBody {
            required,
            description: node.get("description").and_then(Node::scalar_text),
            content,
        };
        if body.json_schema().is_none() {
            let media: Vec<&str> = body.content.iter().map(|m| m.media_type.as_str()).collect();
            let media = if media.is_empty() {
                "no media type".to_string()
            } else {
                media.join(", ")
            };
            self.warn(
                "request-body-ignored",
                node,
                pointer,
                format!(
                    "{label} has a {}`requestBody` without a JSON schema ({media}): the \
                     generated client cannot send it (`diff` compares it)",
                    if required { "required " } else { "" },
                ),
            );
        }
        body
    }
}
