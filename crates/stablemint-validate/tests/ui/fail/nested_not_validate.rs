use stablemint_validate::Validate;

struct Address {
    line1: String,
}

#[derive(Validate)]
struct Request {
    #[validate(nested)]
    address: Option<Address>,
}

fn main() {}
