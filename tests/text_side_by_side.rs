//! Every match in a post, however many sit side by side: a candidate one detector rejects must
//! not hide the next value, of its own kind or another's (issue 14: two card numbers in a row
//! gave nothing at all).

use safepost::policy::Policy;
use safepost::text::TextScanner;

/// (rule, matched text) of every finding, in order.
fn found(text: &str) -> Vec<(String, String)> {
    TextScanner::new(&Policy::default_policy(), None)
        .scan(text)
        .into_iter()
        .map(|f| (f.rule, text[f.start..f.end].to_string()))
        .collect()
}

fn expect(text: &str, want: &[(&str, &str)]) {
    let got = found(text);
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(r, m)| (r.to_string(), m.to_string()))
        .collect();
    assert_eq!(got, want, "in {text:?}");
}

#[test]
fn two_and_three_cards_in_a_row() {
    expect(
        "4012888888881881 4012-8888-8888-1881",
        &[
            ("credit_card", "4012888888881881"),
            ("credit_card", "4012-8888-8888-1881"),
        ],
    );
    expect(
        "cards: 4539 1488 0343 6467 4556 7375 8689 9855",
        &[
            ("credit_card", "4539 1488 0343 6467"),
            ("credit_card", "4556 7375 8689 9855"),
        ],
    );
    expect(
        "4539148803436467 4556737586899855 5425233430109903",
        &[
            ("credit_card", "4539148803436467"),
            ("credit_card", "4556737586899855"),
            ("credit_card", "5425233430109903"),
        ],
    );
    expect(
        "4539-1488-0343-6467 4556 7375 8689 9855 371449635398431",
        &[
            ("credit_card", "4539-1488-0343-6467"),
            ("credit_card", "4556 7375 8689 9855"),
            ("credit_card", "371449635398431"),
        ],
    );
}

#[test]
fn a_card_next_to_an_iban_an_ssn_or_a_phone() {
    expect(
        "4539 1488 0343 6467 DE89 3704 0044 0532 0130 00",
        &[
            ("credit_card", "4539 1488 0343 6467"),
            ("iban", "DE89 3704 0044 0532 0130 00"),
        ],
    );
    expect(
        "call +1-415-555-0132 4539 1488 0343 6467",
        &[
            ("phone", "+1-415-555-0132"),
            ("credit_card", "4539 1488 0343 6467"),
        ],
    );
    expect(
        "SSN 492-86-4118 4539 1488 0343 6467",
        &[
            ("us_ssn", "492-86-4118"),
            ("credit_card", "4539 1488 0343 6467"),
        ],
    );
}

#[test]
fn an_address_or_coordinates_right_after_another_value() {
    expect(
        "4539148803436467 jane.doe@corp.example.com",
        &[
            ("credit_card", "4539148803436467"),
            ("email", "jane.doe@corp.example.com"),
        ],
    );
    expect(
        "location 47.6205, -122.3493 4539148803436467",
        &[
            ("gps_coordinates", "47.6205, -122.3493"),
            ("credit_card", "4539148803436467"),
        ],
    );
}

/// What was not a value before is still not one: a long number is not several cards, a list of
/// numbers is not a phone, an ISBN is not a card.
#[test]
fn splitting_finds_no_values_that_are_not_there() {
    for text in [
        "order 45391488034364674556737586899855 shipped",
        "ISBN 978-3-16-148410-0 and 978-0-306-40615-7",
        "scores 12 34 56 78 90 12 34 56 78 90 12 34",
        "version 4.5.3.9.1.4.8.8.0.3.4.3.6.4.6.7",
        "tracking 1Z 999 AA1 01 2345 6784",
    ] {
        assert_eq!(found(text), Vec::<(String, String)>::new(), "in {text:?}");
    }
}

/// A rejected number is not read as a shorter value of another kind: a card with a typo is not
/// a phone number of its first twelve digits.
#[test]
fn a_rejected_number_gives_no_shorter_value() {
    for text in [
        "card 4539 1488 0343 6468",
        "4539-1488-0343-6468 was declined",
        "ref 4012888888881882 4012-8888-8888-1882",
    ] {
        assert_eq!(found(text), Vec::<(String, String)>::new(), "in {text:?}");
    }
}

/// An address written right after a credential: each is its own finding.
#[test]
fn an_email_directly_after_a_token() {
    expect(
        "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8,jane@corp.example.com",
        &[
            ("github_token", "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
            ("email", "jane@corp.example.com"),
        ],
    );
    expect(
        "DE89370400440532013000 4539148803436467 jane@corp.example.com",
        &[
            ("iban", "DE89370400440532013000"),
            ("credit_card", "4539148803436467"),
            ("email", "jane@corp.example.com"),
        ],
    );
}
