use stablemint_validate::Validate;

#[derive(Validate)]
struct Email(#[validate(email)] String);

fn main() {}
