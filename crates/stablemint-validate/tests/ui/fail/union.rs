use stablemint_validate::Validate;

#[derive(Validate)]
union Amount {
    minor: u64,
    major: f64,
}

fn main() {}
