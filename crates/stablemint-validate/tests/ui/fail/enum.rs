use stablemint_validate::Validate;

#[derive(Validate)]
enum Method {
    Card {
        #[validate(email)]
        email: String,
    },
    Bank,
}

fn main() {}
