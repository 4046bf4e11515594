//! Column → field mapping: an explicit mapping from the caller, else a chosen preset, else
//! — for one of our own error reports uploaded as a new file — the mapping of the import
//! with its columns, else a saved preset for this source and header layout, else the rules
//! engine's suggestions. Whatever the origin, no two columns end up on one field, and a
//! report's own columns ("Row id", "Problems", …) are never mapped unless the caller says so.

use std::collections::HashMap;

use rules::{ImportConfig, MatchReason};
use sqlx::PgPool;
use uuid::Uuid;

use crate::ImportError;

pub use api::{ColumnMapping, ExplicitMapping, Mapping};

/// Where a mapping should come from.
#[derive(Debug, Clone, Default)]
pub struct MappingRequest<'a> {
    pub source_key: &'a str,
    pub preset_id: Option<Uuid>,
    pub explicit: Option<&'a ExplicitMapping>,
}

/// The reason given to a report's own columns, which feed no field.
pub const REPORT_COLUMN_REASON: &str = "error report column";

/// Resolves the mapping for `headers`.
pub async fn resolve(
    pool: &PgPool,
    principal: &auth::Principal,
    headers: &[String],
    config: &ImportConfig,
    request: &MappingRequest<'_>,
) -> Result<Mapping, ImportError> {
    let meta = crate::reports::meta_columns(headers);
    let suggestions = suggest(headers, config, &meta);
    if let Some(explicit) = request.explicit {
        let mut mapping = apply_explicit(
            headers,
            config,
            explicit,
            &suggestions,
            "chosen",
            None,
            None,
        )?;
        mark_report_columns(&mut mapping, &meta);
        return Ok(mapping);
    }
    let chosen = match request.preset_id {
        Some(id) => Some(
            store::presets::get_visible(pool, principal.company_id, principal.user_id, id)
                .await?
                .ok_or_else(|| ImportError::NotFound(format!("No mapping preset {id}.")))?,
        ),
        None => None,
    };
    if chosen.is_none() && !meta.is_empty() {
        if let Some(mapping) = as_in_earlier_import(pool, principal, headers, config, &meta).await?
        {
            return Ok(mapping);
        }
    }
    let preset = match chosen {
        Some(preset) => Some(preset),
        None => {
            // A report's own columns are not part of the layout a preset was saved for.
            let fingerprint = rules::header_fingerprint(&data_headers(headers, &meta));
            store::presets::find_matching(
                pool,
                principal.company_id,
                principal.user_id,
                request.source_key,
                &fingerprint,
            )
            .await?
        }
    };
    if let Some(preset) = preset {
        let explicit: ExplicitMapping = serde_json::from_value(preset.mapping.clone())
            .map_err(|e| ImportError::internal(format!("preset {} unreadable: {e}", preset.id)))?;
        // A preset may name fields the configuration no longer has: those columns are
        // ignored rather than failing the upload.
        let usable: ExplicitMapping = explicit
            .into_iter()
            .map(|(h, f)| {
                let f = f.filter(|f| config.field(f).is_some());
                (h, f)
            })
            .collect();
        let reason = format!("preset “{}”", preset.name);
        let mut mapping = apply_explicit(
            headers,
            config,
            &usable,
            &suggestions,
            &reason,
            Some(preset.id),
            Some(preset.name.clone()),
        )?;
        mark_report_columns(&mut mapping, &meta);
        store::presets::touch(pool, principal.company_id, preset.id).await?;
        return Ok(mapping);
    }
    let mut mapping = Mapping {
        preset_id: None,
        preset_name: None,
        columns: suggestions
            .into_iter()
            .map(|s| ColumnMapping {
                index: s.index,
                reason: reason_text(&s.reason),
                header: s.header,
                field: s.field,
                confidence: s.confidence,
            })
            .collect(),
    };
    mark_report_columns(&mut mapping, &meta);
    Ok(mapping)
}

/// The engine's suggestions, with a report's own columns (`meta`) left out of the
/// matching: "Row status" must not become the status field, "Problems" not the notes.
fn suggest(
    headers: &[String],
    config: &ImportConfig,
    meta: &[usize],
) -> Vec<rules::ColumnSuggestion> {
    if meta.is_empty() {
        return rules::suggest_mapping(headers, config);
    }
    // An empty header matches nothing; the real header is put back afterwards.
    let blanked: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if meta.contains(&i) {
                String::new()
            } else {
                h.clone()
            }
        })
        .collect();
    let mut suggestions = rules::suggest_mapping(&blanked, config);
    for s in &mut suggestions {
        if let Some(h) = headers.get(s.index) {
            s.header.clone_from(h);
        }
    }
    suggestions
}

/// The headers without a report's own columns: the layout of the file the report was
/// made from.
fn data_headers(headers: &[String], meta: &[usize]) -> Vec<String> {
    headers
        .iter()
        .enumerate()
        .filter(|(i, _)| !meta.contains(i))
        .map(|(_, h)| h.clone())
        .collect()
}

/// Says why a report's own columns feed no field (unless the caller mapped one).
fn mark_report_columns(mapping: &mut Mapping, meta: &[usize]) {
    for c in &mut mapping.columns {
        if meta.contains(&c.index) && c.field.is_none() {
            c.confidence = 0.0;
            REPORT_COLUMN_REASON.clone_into(&mut c.reason);
        }
    }
}

/// The mapping for one of our reports uploaded as a new file (the failed-rows CSV, or the
/// "Fix these rows" sheet): the columns mean what they meant in the import the report was
/// made from, so each gets exactly that import's field. That import is the company's
/// newest one whose header row is this file's without the report's columns (or, for a
/// report of a report, this file's header row itself). Why by layout and not by a saved
/// preset: the user made the mapping decision already, in the import whose rows these
/// are — a report must not depend on having saved it; and why only for reports: for any
/// other file a layout seen before is not proof of the same meaning, the preset is.
async fn as_in_earlier_import(
    pool: &PgPool,
    principal: &auth::Principal,
    headers: &[String],
    config: &ImportConfig,
    meta: &[usize],
) -> Result<Option<Mapping>, ImportError> {
    let data = data_headers(headers, meta);
    let as_json = |h: &[String]| serde_json::to_value(h).map_err(ImportError::internal);
    let Some(source) = store::imports::newest_with_headers(
        pool,
        principal.company_id,
        &as_json(&data)?,
        &as_json(headers)?,
    )
    .await?
    else {
        return Ok(None);
    };
    let earlier: Mapping = serde_json::from_value(source.mapping).map_err(ImportError::internal)?;
    let same_layout = source.headers.as_array().map(Vec::len) == Some(headers.len());
    let field_of = |column: usize| {
        earlier
            .columns
            .iter()
            .find(|c| c.index == column)
            .and_then(|c| c.field.clone())
            // A field the configuration no longer has is ignored, as for presets.
            .filter(|f| config.field(f).is_some())
    };
    let reason = format!("as in import “{}”", source.file_name);
    let mut data_index = 0usize;
    let columns = headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            if meta.contains(&index) {
                return ColumnMapping {
                    index,
                    header: header.clone(),
                    field: None,
                    confidence: 0.0,
                    reason: REPORT_COLUMN_REASON.to_owned(),
                };
            }
            let column = if same_layout { index } else { data_index };
            data_index += 1;
            let field = field_of(column);
            ColumnMapping {
                index,
                header: header.clone(),
                confidence: if field.is_some() { 1.0 } else { 0.0 },
                reason: if field.is_some() {
                    reason.clone()
                } else {
                    format!("not mapped in import “{}”", source.file_name)
                },
                field,
            }
        })
        .collect();
    tracing::debug!(earlier = %source.id, "report mapped as its import");
    Ok(Some(Mapping {
        preset_id: None,
        preset_name: None,
        columns,
    }))
}

/// The mapping a user chose for a staged import: headers the choice leaves out are ignored
/// (the user saw every column and decided).
pub fn from_explicit(
    headers: &[String],
    config: &ImportConfig,
    explicit: &ExplicitMapping,
) -> Result<Mapping, ImportError> {
    let complete: ExplicitMapping = headers
        .iter()
        .map(|h| (h.clone(), explicit.get(h).cloned().flatten()))
        .collect();
    for header in explicit.keys() {
        if !headers.contains(header) {
            return Err(ImportError::invalid(
                "mapping.unknown_header",
                format!("The file has no column “{header}”."),
            ));
        }
    }
    apply_explicit(headers, config, &complete, &[], "chosen", None, None)
}

/// Applies `{header: field}`; headers it does not mention keep the suggestion unless its
/// field is taken by an explicit choice.
fn apply_explicit(
    headers: &[String],
    config: &ImportConfig,
    explicit: &ExplicitMapping,
    suggestions: &[rules::ColumnSuggestion],
    reason: &str,
    preset_id: Option<Uuid>,
    preset_name: Option<String>,
) -> Result<Mapping, ImportError> {
    for (header, field) in explicit {
        if let Some(f) = field.as_deref().filter(|f| !f.is_empty()) {
            if config.field(f).is_none() {
                return Err(ImportError::invalid(
                    "mapping.unknown_field",
                    format!("The mapping sends “{header}” to “{f}”, which is not a field of this company's configuration."),
                ));
            }
        }
    }
    let mut taken: HashMap<String, String> = HashMap::new();
    for (header, field) in explicit {
        if !headers.contains(header) {
            continue;
        }
        if let Some(f) = field.as_deref().filter(|f| !f.is_empty()) {
            if let Some(other) = taken.insert(f.to_owned(), header.clone()) {
                return Err(ImportError::invalid(
                    "header.field_conflict",
                    format!("Both “{other}” and “{header}” are mapped to {f}; map one of them elsewhere or ignore it."),
                ));
            }
        }
    }
    let columns = headers
        .iter()
        .enumerate()
        .map(|(index, header)| match explicit.get(header) {
            Some(field) => ColumnMapping {
                index,
                header: header.clone(),
                field: field.clone().filter(|f| !f.is_empty()),
                confidence: 1.0,
                reason: reason.to_owned(),
            },
            None => {
                let s = suggestions.iter().find(|s| s.index == index);
                let field = s
                    .and_then(|s| s.field.clone())
                    .filter(|f| !taken.contains_key(f));
                ColumnMapping {
                    index,
                    header: header.clone(),
                    confidence: if field.is_some() {
                        s.map_or(0.0, |s| s.confidence)
                    } else {
                        0.0
                    },
                    reason: match (&field, s) {
                        (Some(_), Some(s)) => reason_text(&s.reason),
                        _ => "no match".to_owned(),
                    },
                    field,
                }
            }
        })
        .collect();
    Ok(Mapping {
        preset_id: preset_id.map(api::PresetId),
        preset_name,
        columns,
    })
}

/// A short human reason for the UI and the API.
pub fn reason_text(reason: &MatchReason) -> String {
    match reason {
        MatchReason::Exact => "exact".to_owned(),
        MatchReason::Label => "label".to_owned(),
        MatchReason::Synonym { lang } => format!("synonym ({lang})"),
        MatchReason::Fuzzy { matched } => format!("similar to “{matched}”"),
        MatchReason::None => "no match".to_owned(),
        MatchReason::Conflict {
            field,
            taken_by_header,
            ..
        } => format!("{field} is taken by “{taken_by_header}”"),
    }
}
