//! JSON Schemas of the wire types, derived from the types themselves (schemars, honouring
//! their serde attributes), for the OpenAPI document's `components.schemas`.

use schemars::generate::SchemaSettings;

use crate::*;

/// Every wire type's schema by type name, with references as `#/components/schemas/Name`.
pub fn components() -> serde_json::Map<String, serde_json::Value> {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "#/components/schemas/".into())
        .into_generator();
    // The roots the REST API answers or takes; everything they contain comes along.
    generator.subschema_for::<DryRunReport>();
    generator.subschema_for::<ImportSummary>();
    generator.subschema_for::<RowPage>();
    generator.subschema_for::<EditResult>();
    generator.subschema_for::<CellEdit>();
    generator.subschema_for::<BulkRequest>();
    generator.subschema_for::<BulkResult>();
    generator.subschema_for::<ApplyRequest>();
    generator.subschema_for::<RevertRequest>();
    generator.subschema_for::<Conflicts>();
    generator.subschema_for::<CorrectionResult>();
    generator.subschema_for::<PresetInput>();
    generator.subschema_for::<PresetView>();
    generator.take_definitions(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_root_and_what_it_contains_has_a_schema_named_after_its_type() {
        let schemas = components();
        for name in [
            "DryRunReport",
            "ImportSummary",
            "ImportStatus",
            "ImportId",
            "RowView",
            "RowStatus",
            "Issue",
            "Code",
            "Level",
            "BulkRequest",
            "PresetView",
        ] {
            assert!(schemas.contains_key(name), "{name} in {:?}", schemas.keys());
        }
        let text = serde_json::to_string(&schemas).unwrap();
        assert!(
            !text.contains("#/$defs/"),
            "references point into components"
        );
    }
}
