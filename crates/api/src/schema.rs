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
    generator.subschema_for::<UndoResult>();
    generator.subschema_for::<ApplyRequest>();
    generator.subschema_for::<RevertRequest>();
    generator.subschema_for::<Conflicts>();
    generator.subschema_for::<CorrectionResult>();
    generator.subschema_for::<PresetInput>();
    generator.subschema_for::<PresetView>();
    generator.subschema_for::<ConfigVersionView>();
    generator.subschema_for::<ConfigVersions>();
    generator.subschema_for::<ConfigDiff>();
    generator.subschema_for::<DraftRequest>();
    generator.subschema_for::<CheckResult>();
    generator.subschema_for::<PublishRequest>();
    generator.subschema_for::<RollbackRequest>();
    generator.subschema_for::<ImpactReport>();
    generator.subschema_for::<AuditPage>();
    generator.subschema_for::<DriftReport>();
    generator.subschema_for::<UserList>();
    generator.subschema_for::<NewUser>();
    generator.subschema_for::<UserPatch>();
    generator.subschema_for::<TokenList>();
    generator.subschema_for::<NewToken>();
    generator.subschema_for::<CreatedToken>();
    generator.subschema_for::<AliasProposalList>();
    generator.subschema_for::<NewAliasProposal>();
    generator.subschema_for::<ProposalDecision>();
    let mut schemas = generator.take_definitions(true);
    schemas.values_mut().for_each(bound_integers);
    schemas
}

/// Gives every sized integer the range its Rust type holds (schemars names the format but
/// sets only the lower bound of unsigned ones), so a client — or an API fuzzer — knows
/// that 2^32 is not a row number.
fn bound_integers(schema: &mut serde_json::Value) {
    use serde_json::{json, Value};
    match schema {
        Value::Object(map) => {
            let range = match map.get("format").and_then(Value::as_str) {
                Some("uint32") => Some((json!(0), json!(u32::MAX))),
                Some("uint64") => Some((json!(0), json!(u64::MAX))),
                Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
                Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
                Some("uint") => Some((json!(0), json!(usize::MAX))),
                _ => None,
            };
            if let Some((min, max)) = range {
                map.entry("minimum").or_insert(min);
                map.entry("maximum").or_insert(max);
            }
            map.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
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
