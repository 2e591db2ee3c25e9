//! Documented JSON shapes, and the check of a response against one.

use serde_json::Value;

/// JSON type of one documented field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Bool,
    Object,
    Array,
    /// A string or `null`, for fields documented as nullable.
    NullableString,
    /// A number or `null`, such as `decimals`, which only ERC-20 tokens have.
    NullableNumber,
    /// An array or `null`, such as token `metadata`, which is `null` for point tokens.
    NullableArray,
}

impl Kind {
    fn matches(self, value: &Value) -> bool {
        match self {
            Self::String => value.is_string(),
            Self::Number => value.is_number(),
            Self::Bool => value.is_boolean(),
            Self::Object => value.is_object(),
            Self::Array => value.is_array(),
            Self::NullableString => value.is_string() || value.is_null(),
            Self::NullableNumber => value.is_number() || value.is_null(),
            Self::NullableArray => value.is_array() || value.is_null(),
        }
    }
}

/// Whether the PERS documentation marks a field as always sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
}

/// One documented field: JSON name, type and presence.
pub type Field = (&'static str, Kind, Presence);

/// The documented fields of one object, and the fields the sandbox sends beyond them.
pub struct Shape {
    /// Name used in failure messages, such as `TokenDTO`.
    pub name: &'static str,
    pub fields: &'static [Field],
    /// Fields the sandbox sends that the documentation does not list, each one deliberate.
    pub sandbox_extras: &'static [&'static str],
}

impl Shape {
    /// Returns every mismatch between `value` and this shape: a value that is not an object, a
    /// required field that is missing, a field of the wrong type, or a field that is neither
    /// documented nor a listed sandbox extra.
    pub fn mismatches(&self, value: &Value) -> Vec<String> {
        let Some(object) = value.as_object() else {
            return vec![format!("{}: expected an object, got {value}", self.name)];
        };
        let mut found = Vec::new();
        for (field, kind, presence) in self.fields {
            match object.get(*field) {
                None if *presence == Presence::Required => {
                    found.push(format!("{}.{field}: required but missing", self.name));
                }
                None => {}
                Some(value) if !kind.matches(value) => {
                    found.push(format!(
                        "{}.{field}: expected {kind:?}, got {value}",
                        self.name
                    ));
                }
                Some(_) => {}
            }
        }
        for key in object.keys() {
            let documented = self.fields.iter().any(|(field, ..)| field == key);
            if !documented && !self.sandbox_extras.contains(&key.as_str()) {
                found.push(format!("{}.{key}: not a documented field", self.name));
            }
        }
        found
    }

    /// Panics with every mismatch of `value`, naming `context`.
    pub fn assert_matches(&self, value: &Value, context: &str) {
        let found = self.mismatches(value);
        assert!(found.is_empty(), "{context}: {found:#?}");
    }

    /// Checks each item of an array with [`Shape::assert_matches`]; an empty array fails,
    /// because it checks nothing.
    pub fn assert_items_match(&self, items: &Value, context: &str) {
        let items = items
            .as_array()
            .unwrap_or_else(|| panic!("{context}: not an array"));
        assert!(!items.is_empty(), "{context}: no items to check");
        for (index, item) in items.iter().enumerate() {
            self.assert_matches(item, &format!("{context}[{index}]"));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SAMPLE: Shape = Shape {
        name: "Sample",
        fields: &[
            ("id", Kind::String, Presence::Required),
            ("count", Kind::Number, Presence::Optional),
            ("email", Kind::NullableString, Presence::Optional),
        ],
        sandbox_extras: &["extra"],
    };

    #[test]
    fn matching_object_passes() {
        let value = json!({ "id": "a", "count": 2, "email": null, "extra": true });
        assert!(SAMPLE.mismatches(&value).is_empty());
    }

    #[test]
    fn each_mismatch_is_reported() {
        let value = json!({ "count": "2", "image_url": "x" });
        let found = SAMPLE.mismatches(&value);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("Sample.id: required"));
        assert!(found[1].contains("Sample.count: expected Number"));
        assert!(found[2].contains("Sample.image_url: not a documented field"));
    }

    #[test]
    fn non_object_is_reported() {
        assert_eq!(SAMPLE.mismatches(&json!([1])).len(), 1);
    }
}
