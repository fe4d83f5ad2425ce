//! Request bodies: `requestBody` with its `$ref` resolved, each media type with its schema.

use super::{MediaBody, Normalizer, RequestBody};
use crate::diagnostic::escape_pointer_token;
use crate::load::Node;

impl<'a> Normalizer<'a> {
    /// The request body at `pointer`; a warning says the generated client does not send it
    /// (the diff compares it all the same).
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
        let media: Vec<&str> = content.iter().map(|m| m.media_type.as_str()).collect();
        self.warn(
            "request-body-ignored",
            node,
            pointer,
            format!(
                "{label} has a {}`requestBody` ({}): the generated client does not send it yet \
                 (`diff` compares it)",
                if required { "required " } else { "" },
                if media.is_empty() {
                    "no media type".to_string()
                } else {
                    media.join(", ")
                }
            ),
        );
        RequestBody {
            required,
            description: node.get("description").and_then(Node::scalar_text),
            content,
        }
    }
}
