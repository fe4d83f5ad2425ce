//! Where in a JSON body a decoding error is: the path of the value at serde_json's error
//! position (`data.etablissements[2].siret`, `.` for the whole body).
//!
//! Wrapping the deserializer to track the path as it goes (serde_path_to_error) doubles the
//! code compiled for every model, in every build of every crate that uses this one. The error
//! already carries its line and column, and the body is at hand: walking the text up to that
//! position finds the same path, and costs nothing until a body fails to decode.

/// The deepest nesting walked; serde_json itself refuses bodies nested deeper than 128.
const MAX_DEPTH: usize = 256;

/// The path of the value `error` points at in `body`.
pub(crate) fn error_path(body: &[u8], error: &serde_json::Error) -> String {
    match offset_of(body, error.line(), error.column()) {
        Some(offset) => path_at(body, offset),
        None => ".".to_owned(),
    }
}

/// The byte at 1-based `line` and `column` (serde_json's: the last byte it read), if any.
fn offset_of(body: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 || column == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    let offset = line_start + column - 1;
    (offset < body.len()).then_some(offset)
}

/// The path of the innermost value whose text holds byte `offset`. serde_json stops on the
/// byte before a value it peeked at and refused (a map where a list was expected), so an
/// offset on a separator moves to the value after it.
fn path_at(body: &[u8], offset: usize) -> String {
    let mut target = offset;
    while body
        .get(target)
        .is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b':' | b',' | b'['))
    {
        target += 1;
    }
    let mut walker = Walker {
        body,
        at: 0,
        target,
        path: Vec::new(),
        found: None,
    };
    walker.value(0);
    render(walker.found.as_deref().unwrap_or_default())
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// A member of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// `data.list[1].name`; `.` for the root.
fn render(path: &[Step]) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A walk over the body's text, stopping past the target.
struct Walker<'a> {
    body: &'a [u8],
    at: usize,
    target: usize,
    path: Vec<Step>,
    found: Option<Vec<Step>>,
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.body.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// Walks one value; `None` when the walk stopped inside it (past the target, or text
    /// that is not JSON), after noting the innermost open value that holds the target.
    fn value(&mut self, depth: usize) -> Option<()> {
        self.skip_whitespace();
        let start = self.at;
        if start > self.target || depth > MAX_DEPTH {
            return None;
        }
        let walked = match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(|_| ()),
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b',' | b']' | b'}'))
                {
                    self.at += 1;
                }
                (self.at > start).then_some(())
            }
        };
        let holds_target = start <= self.target && (walked.is_none() || self.target < self.at);
        if holds_target && self.found.is_none() {
            self.found = Some(self.path.clone());
        }
        walked
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        self.at += 1;
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.skip_whitespace();
            (self.peek()? == b':').then_some(())?;
            self.at += 1;
            self.path.push(Step::Key(key));
            let member = self.value(depth + 1);
            self.path.pop();
            member?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.at += 1;
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        for index in 0.. {
            self.path.push(Step::Index(index));
            let element = self.value(depth + 1);
            self.path.pop();
            element?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
        None
    }

    /// A string, unescaped (lossily when it does not read).
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        (self.peek()? == b'"').then_some(())?;
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        let raw = &self.body[start..self.at];
        Some(
            serde_json::from_slice::<String>(raw)
                .unwrap_or_else(|_| String::from_utf8_lossy(&raw[1..raw.len() - 1]).into_owned()),
        )
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::error_path;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Top {
        data: Data,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Data {
        siren: String,
        n: Option<u32>,
        list: Option<Vec<Item>>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        x: u8,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        A,
    }

    fn path(body: &str) -> String {
        let error = serde_json::from_str::<Top>(body).expect_err(body);
        error_path(body.as_bytes(), &error)
    }

    #[test]
    fn the_path_is_the_one_of_the_value_that_does_not_fit() {
        for (body, expected) in [
            (r#"{"data": {"siren": 42}}"#, "data.siren"),
            (r#"{"data": {"siren": "x", "n": "str" }}"#, "data.n"),
            (r#"{"data": {"siren": "x", "n": true}}"#, "data.n"),
            (r#"{"data": {"n": 1}}"#, "data"),
            (
                r#"{"data": {"siren": "x", "list": [{"x": 1}, {"x": 300}]}}"#,
                "data.list[1].x",
            ),
            (
                r#"{"data": {"siren": "x", "list": [{"x": 1}, {"y": 3}]}}"#,
                "data.list[1]",
            ),
            (r#"{"data": {"siren": "x", "list": [7]}}"#, "data.list[0]"),
            (r#"{"data": {"siren": "x", "list": {"a": 1}}}"#, "data.list"),
            (r#"{"data": {"siren": "x","list":{"a": 1}}}"#, "data.list"),
            (r#"{"data": {"siren": "x", "kind": "c"}}"#, "data.kind"),
            (r#"{"data": 3}"#, "data"),
            ("{\"data\":\n  {\"siren\":\n    false}}", "data.siren"),
            (r#"{"data": {"si\"ren": 1, "siren": []}}"#, "data.siren"),
            ("<html>", "."),
            ("", "."),
        ] {
            assert_eq!(path(body), expected, "{body}");
        }
    }
}
