use super::*;

#[test]
fn the_auto_close_wait_is_shown_in_its_largest_whole_unit() {
    assert_eq!(auto_close_fields(4 * 86_400), ("4".into(), "days"));
    assert_eq!(auto_close_fields(36 * 3_600), ("36".into(), "hours"));
    assert_eq!(auto_close_fields(90 * 60), ("90".into(), "minutes"));
    assert_eq!(auto_close_fields(61), ("1".into(), "minutes"));
}

#[test]
fn the_auto_close_wait_typed_is_whole_units_from_a_minute_to_a_year() {
    assert_eq!(auto_close_secs(" 2 ", "days"), Ok(172_800));
    assert_eq!(auto_close_secs("1", "minutes"), Ok(60));
    for (amount, unit) in [
        ("0", "days"),
        ("366", "days"),
        ("1.5", "hours"),
        ("2", "weeks"),
    ] {
        assert!(auto_close_secs(amount, unit).is_err(), "{amount} {unit}");
    }
    assert!(auto_close_secs(&i64::MAX.to_string(), "days").is_err());
}
