use stablemint_validate::Validate;

#[derive(Validate)]
struct Marker;

fn main() {}
