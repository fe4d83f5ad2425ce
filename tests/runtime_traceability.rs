//! Checks of the traceability parameters.

use api_entreprise::runtime::ValidationError;
use api_entreprise::Traceability;

const DINUM_SIRET: &str = "13002526500013";

fn reason(result: Result<Traceability, ValidationError>) -> String {
    match result {
        Err(ValidationError::Traceability(message)) => message,
        other => panic!("expected a traceability error, got {other:?}"),
    }
}

#[test]
fn valid_parameters_are_trimmed_and_kept() {
    let t = Traceability::new("  aides publiques ", DINUM_SIRET, " dossier 42 ").expect("valid");
    assert_eq!(t.context(), "aides publiques");
    assert_eq!(t.recipient(), DINUM_SIRET);
    assert_eq!(t.object(), "dossier 42");
}

#[test]
fn empty_context_is_refused() {
    let message = reason(Traceability::new("   ", DINUM_SIRET, "dossier"));
    assert!(message.contains("context"), "{message}");
}

#[test]
fn recipient_must_be_a_siret() {
    for recipient in ["130025265", "13002526500014", "", "not a siret"] {
        let message = reason(Traceability::new("ctx", recipient, "dossier"));
        assert!(message.contains("recipient"), "{message}");
    }
}

#[test]
fn object_must_be_non_empty_and_short() {
    let message = reason(Traceability::new("ctx", DINUM_SIRET, " "));
    assert!(message.contains("object"), "{message}");

    // Characters count, not bytes: 49 accented letters are 98 bytes.
    let accented = "é".repeat(49);
    assert!(Traceability::new("ctx", DINUM_SIRET, accented).is_ok());
    let message = reason(Traceability::new("ctx", DINUM_SIRET, "x".repeat(50)));
    assert!(message.contains("50"), "{message}");
}

#[test]
fn recipient_must_not_be_the_looked_up_company() {
    let t = Traceability::new("ctx", DINUM_SIRET, "dossier").expect("valid");
    assert_eq!(t.check_not_looked_up(None), Ok(()));
    assert_eq!(t.check_not_looked_up(Some("418166096")), Ok(()));
    let err = t
        .check_not_looked_up(Some("130025265"))
        .expect_err("same company");
    assert!(matches!(err, ValidationError::Traceability(_)));
    assert!(err.to_string().contains("130025265"), "{err}");
}
