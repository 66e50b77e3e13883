use stablemint_validate::{Invalid, Validate};

fn check_u32(_: &u32) -> Result<(), Invalid> {
    Ok(())
}

#[derive(Validate)]
struct Request {
    #[validate(custom = check_u32)]
    reference: String,
}

fn main() {}
