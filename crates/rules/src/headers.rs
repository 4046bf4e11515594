//! Header matching: suggests a field for each column header (exact key or label, localized
//! synonyms in en/de/fr/es/pt/it/nl, then fuzzy similarity) and fingerprints a layout so a
//! saved mapping can be recognised next time.

use serde::{Deserialize, Serialize};

use crate::config::ImportConfig;
use crate::text;

/// Why a header got (or did not get) a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchReason {
    /// The header is the field's key.
    Exact,
    /// The header is the field's label.
    Label,
    /// A known synonym in the given language (en, de, fr, es, pt, it, nl, or "config" for
    /// synonyms from the configuration).
    Synonym { lang: String },
    /// Spelled similarly to the key, label or a synonym.
    Fuzzy { matched: String },
    /// Nothing matched.
    None,
    /// The header matched `field`, but column `taken_by` (0-based) matched it better.
    Conflict {
        field: String,
        taken_by: usize,
        taken_by_header: String,
    },
}

/// The suggestion for one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSuggestion {
    /// 0-based column index.
    pub index: usize,
    pub header: String,
    pub field: Option<String>,
    /// 0..=1; 1 for exact matches.
    pub confidence: f32,
    pub reason: MatchReason,
}

/// Built-in header synonyms per field and language. Matched after folding case, accents,
/// punctuation and spaces, so "E-Mail-Adresse" and "email adresse" are the same entry.
const SYNONYMS: &[(&str, &str, &[&str])] = &[
    (
        "first_name",
        "en",
        &[
            "first name",
            "firstname",
            "given name",
            "forename",
            "fname",
            "first",
        ],
    ),
    ("first_name", "de", &["vorname", "rufname"]),
    ("first_name", "fr", &["prénom", "prenom"]),
    ("first_name", "es", &["nombre", "nombre de pila"]),
    (
        "first_name",
        "pt",
        &["nome", "primeiro nome", "nome próprio"],
    ),
    ("first_name", "it", &["nome di battesimo"]),
    ("first_name", "nl", &["voornaam", "roepnaam"]),
    (
        "last_name",
        "en",
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "lname",
            "last",
        ],
    ),
    ("last_name", "de", &["nachname", "familienname", "zuname"]),
    ("last_name", "fr", &["nom", "nom de famille"]),
    ("last_name", "es", &["apellido", "apellidos"]),
    ("last_name", "pt", &["sobrenome", "apelido", "último nome"]),
    ("last_name", "it", &["cognome"]),
    ("last_name", "nl", &["achternaam", "familienaam"]),
    (
        "email",
        "en",
        &[
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "mail",
            "work email",
            "business email",
        ],
    ),
    (
        "email",
        "de",
        &[
            "e-mail-adresse",
            "emailadresse",
            "mailadresse",
            "e-mail adresse",
        ],
    ),
    (
        "email",
        "fr",
        &[
            "courriel",
            "adresse e-mail",
            "adresse email",
            "adresse électronique",
            "mél",
            "adresse mail",
        ],
    ),
    (
        "email",
        "es",
        &[
            "correo electrónico",
            "correo",
            "dirección de correo",
            "correo electronico",
        ],
    ),
    (
        "email",
        "pt",
        &[
            "endereço de e-mail",
            "correio eletrônico",
            "correio electrónico",
        ],
    ),
    (
        "email",
        "it",
        &["posta elettronica", "indirizzo email", "indirizzo e-mail"],
    ),
    ("email", "nl", &["e-mailadres", "emailadres", "mailadres"]),
    (
        "phone",
        "en",
        &[
            "phone",
            "telephone",
            "phone number",
            "tel",
            "mobile",
            "cell",
            "mobile phone",
            "cell phone",
            "work phone",
        ],
    ),
    (
        "phone",
        "de",
        &[
            "telefon",
            "telefonnummer",
            "handy",
            "mobil",
            "mobilnummer",
            "rufnummer",
            "handynummer",
        ],
    ),
    (
        "phone",
        "fr",
        &[
            "téléphone",
            "numéro de téléphone",
            "portable",
            "tél",
            "mobile",
        ],
    ),
    (
        "phone",
        "es",
        &["teléfono", "móvil", "celular", "número de teléfono"],
    ),
    (
        "phone",
        "pt",
        &["telefone", "telemóvel", "número de telefone"],
    ),
    (
        "phone",
        "it",
        &["telefono", "cellulare", "numero di telefono"],
    ),
    (
        "phone",
        "nl",
        &["telefoon", "telefoonnummer", "mobiel", "gsm"],
    ),
    (
        "company",
        "en",
        &[
            "company",
            "company name",
            "organisation",
            "organization",
            "account",
            "account name",
            "business",
            "employer",
        ],
    ),
    (
        "company",
        "de",
        &[
            "firma",
            "unternehmen",
            "firmenname",
            "gesellschaft",
            "arbeitgeber",
        ],
    ),
    (
        "company",
        "fr",
        &[
            "société",
            "entreprise",
            "organisation",
            "raison sociale",
            "employeur",
        ],
    ),
    (
        "company",
        "es",
        &[
            "empresa",
            "compañía",
            "organización",
            "nombre de la empresa",
        ],
    ),
    (
        "company",
        "pt",
        &["companhia", "organização", "nome da empresa"],
    ),
    ("company", "it", &["azienda", "società", "ditta", "impresa"]),
    (
        "company",
        "nl",
        &["bedrijf", "onderneming", "organisatie", "bedrijfsnaam"],
    ),
    (
        "title",
        "en",
        &["title", "job title", "position", "role", "job"],
    ),
    (
        "title",
        "de",
        &[
            "titel",
            "berufsbezeichnung",
            "funktion",
            "jobtitel",
            "stelle",
        ],
    ),
    (
        "title",
        "fr",
        &["titre", "poste", "fonction", "intitulé du poste"],
    ),
    ("title", "es", &["cargo", "puesto", "título"]),
    ("title", "pt", &["função", "título", "posição"]),
    (
        "title",
        "it",
        &["ruolo", "posizione", "titolo", "qualifica", "mansione"],
    ),
    ("title", "nl", &["functie", "functietitel"]),
    ("status", "en", &["status", "lead status", "stage", "state"]),
    ("status", "de", &["phase", "zustand"]),
    ("status", "fr", &["statut", "état"]),
    ("status", "es", &["estado", "situación"]),
    ("status", "pt", &["situação"]),
    ("status", "it", &["stato"]),
    ("status", "nl", &["fase"]),
    (
        "source",
        "en",
        &["source", "lead source", "origin", "channel"],
    ),
    (
        "source",
        "de",
        &["quelle", "herkunft", "kanal", "leadquelle"],
    ),
    ("source", "fr", &["origine", "canal"]),
    ("source", "es", &["fuente", "origen"]),
    ("source", "pt", &["fonte", "origem"]),
    ("source", "it", &["origine", "canale"]),
    ("source", "nl", &["bron", "herkomst", "kanaal"]),
    (
        "country",
        "en",
        &["country", "nation", "country code", "country/region"],
    ),
    ("country", "de", &["land", "staat"]),
    ("country", "fr", &["pays"]),
    ("country", "es", &["país"]),
    ("country", "pt", &["país"]),
    ("country", "it", &["paese", "nazione"]),
    ("country", "nl", &["land"]),
    (
        "notes",
        "en",
        &[
            "notes",
            "note",
            "comments",
            "comment",
            "remarks",
            "description",
        ],
    ),
    (
        "notes",
        "de",
        &[
            "notizen",
            "notiz",
            "bemerkungen",
            "bemerkung",
            "anmerkungen",
            "kommentar",
        ],
    ),
    ("notes", "fr", &["remarques", "commentaires", "commentaire"]),
    ("notes", "es", &["notas", "comentarios", "observaciones"]),
    ("notes", "pt", &["observações", "comentários"]),
    ("notes", "it", &["commenti", "osservazioni"]),
    ("notes", "nl", &["notities", "opmerkingen", "commentaar"]),
];

/// A candidate (header, field) pairing.
#[derive(Debug, Clone)]
struct Candidate {
    header: usize,
    field: usize,
    confidence: f32,
    reason: MatchReason,
}

const FUZZY_THRESHOLD: f32 = 0.8;

/// Suggests a field for every header. Two headers never get the same field: the better
/// match wins (ties go to the leftmost column); the other falls back to its next
/// unclaimed candidate, or gets no field and a [`MatchReason::Conflict`] naming the winner.
pub fn suggest_mapping(headers: &[String], config: &ImportConfig) -> Vec<ColumnSuggestion> {
    // Per field: (compact form, reason) of every name it answers to.
    let mut names: Vec<Vec<(String, MatchReason)>> = Vec::with_capacity(config.fields.len());
    for f in &config.fields {
        let mut v = vec![
            (text::fold_compact(&f.key), MatchReason::Exact),
            (text::fold_compact(&f.label), MatchReason::Label),
        ];
        for s in &f.synonyms {
            v.push((
                text::fold_compact(s),
                MatchReason::Synonym {
                    lang: "config".into(),
                },
            ));
        }
        for (key, lang, list) in SYNONYMS {
            if *key == f.key {
                for s in *list {
                    v.push((
                        text::fold_compact(s),
                        MatchReason::Synonym {
                            lang: (*lang).into(),
                        },
                    ));
                }
            }
        }
        names.push(v);
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    for (hi, h) in headers.iter().enumerate() {
        let hc = text::fold_compact(h);
        if hc.is_empty() {
            continue;
        }
        let hw = text::fold_words(h);
        for (fi, list) in names.iter().enumerate() {
            let mut best: Option<(f32, MatchReason)> = None;
            for (name, reason) in list {
                let (score, r) = if *name == hc {
                    let score = match reason {
                        MatchReason::Exact => 1.0,
                        MatchReason::Label => 0.98,
                        _ => 0.95,
                    };
                    (score, reason.clone())
                } else {
                    let sim = text::similarity(&hc, name);
                    // Containment: "Business E-Mail" contains "email" as a whole word.
                    let contains = name.chars().count() >= 4 && hw.split(' ').any(|w| w == name);
                    let s = if contains { sim.max(0.82) } else { sim };
                    if s < FUZZY_THRESHOLD {
                        continue;
                    }
                    (
                        s * 0.9,
                        MatchReason::Fuzzy {
                            matched: name.clone(),
                        },
                    )
                };
                if best.as_ref().is_none_or(|(b, _)| score > *b) {
                    best = Some((score, r));
                }
            }
            if let Some((confidence, reason)) = best {
                candidates.push(Candidate {
                    header: hi,
                    field: fi,
                    confidence,
                    reason,
                });
            }
        }
    }
    // Best first; ties by column then field order so the result is deterministic.
    candidates.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.header.cmp(&b.header))
            .then(a.field.cmp(&b.field))
    });
    let mut out: Vec<ColumnSuggestion> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| ColumnSuggestion {
            index: i,
            header: h.clone(),
            field: None,
            confidence: 0.0,
            reason: MatchReason::None,
        })
        .collect();
    let mut field_taken: Vec<Option<usize>> = vec![None; config.fields.len()];
    let mut header_done = vec![false; headers.len()];
    let mut lost: Vec<Option<(usize, usize)>> = vec![None; headers.len()];
    for c in &candidates {
        if header_done[c.header] {
            continue;
        }
        match field_taken[c.field] {
            None => {
                field_taken[c.field] = Some(c.header);
                header_done[c.header] = true;
                let s = &mut out[c.header];
                s.field = Some(config.fields[c.field].key.clone());
                s.confidence = c.confidence;
                s.reason = c.reason.clone();
            }
            Some(winner) => {
                if lost[c.header].is_none() {
                    lost[c.header] = Some((c.field, winner));
                }
            }
        }
    }
    for (hi, l) in lost.iter().enumerate() {
        if let (false, Some((fi, winner))) = (header_done[hi], l) {
            out[hi].reason = MatchReason::Conflict {
                field: config.fields[*fi].key.clone(),
                taken_by: *winner,
                taken_by_header: headers[*winner].clone(),
            };
        }
    }
    out
}

/// A stable fingerprint of a header layout: the folded headers joined and hashed (FNV-1a,
/// 64 bit). Same on wasm and native; insensitive to case, accents, punctuation and spacing,
/// sensitive to column order.
pub fn header_fingerprint(headers: &[String]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            eat(0x1f);
        }
        for b in text::fold_words(h).bytes() {
            eat(b);
        }
    }
    format!("h1:{}:{hash:016x}", headers.len())
}
