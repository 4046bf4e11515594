//! The import wizard's stepper: Upload → Mapping → Preview → Review → Summary.

use leptos::prelude::*;

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WizardStep {
    Upload,
    Mapping,
    Preview,
    Review,
    Summary,
}

impl WizardStep {
    const ALL: [WizardStep; 5] = [
        WizardStep::Upload,
        WizardStep::Mapping,
        WizardStep::Preview,
        WizardStep::Review,
        WizardStep::Summary,
    ];

    /// The step's name in the URL (`?step=…`).
    pub fn key(self) -> &'static str {
        match self {
            WizardStep::Upload => "upload",
            WizardStep::Mapping => "mapping",
            WizardStep::Preview => "preview",
            WizardStep::Review => "review",
            WizardStep::Summary => "summary",
        }
    }

    /// The step a URL names; the review is where a staged import opens by default.
    pub fn from_key(key: Option<&str>) -> WizardStep {
        Self::ALL
            .into_iter()
            .find(|s| Some(s.key()) == key)
            .unwrap_or(WizardStep::Review)
    }

    /// The step before this one, if any.
    pub fn previous(self) -> Option<WizardStep> {
        Self::ALL.into_iter().rev().find(|s| *s < self)
    }

    /// The step after this one, if any.
    pub fn next(self) -> Option<WizardStep> {
        Self::ALL.into_iter().find(|s| *s > self)
    }

    pub fn label(self) -> &'static str {
        match self {
            WizardStep::Upload => "Upload",
            WizardStep::Mapping => "Mapping",
            WizardStep::Preview => "Preview",
            WizardStep::Review => "Review",
            WizardStep::Summary => "Summary",
        }
    }
}

/// Shows where the user is in the wizard; the current step carries `aria-current="step"`.
/// `link` gives a step an address (e.g. a section of the review page) when it has one.
#[component]
pub fn Stepper(
    current: WizardStep,
    #[prop(optional)] link: Option<fn(WizardStep) -> Option<String>>,
) -> impl IntoView {
    view! {
        <nav class="stepper" aria-label="Import steps">
            <ol>
                {WizardStep::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, step)| {
                        let state = if step == current {
                            "current"
                        } else if step < current {
                            "done"
                        } else {
                            "todo"
                        };
                        let aria_current = (step == current).then_some("step");
                        let number = if step < current { "✓".to_owned() } else { (i + 1).to_string() };
                        let href = link.and_then(|f| f(step));
                        let label = step.label();
                        let inner = view! {
                            <span class="step-number" aria-hidden="true">{number}</span>
                            <span class="step-label">{label}</span>
                        };
                        view! {
                            <li class=format!("step {state}") aria-current=aria_current>
                                {match href {
                                    Some(href) => view! { <a href=href>{inner}</a> }.into_any(),
                                    None => view! { <span class="step-inner">{inner}</span> }.into_any(),
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
