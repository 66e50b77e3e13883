use stablemint_validate::Validate;

#[derive(Validate)]
struct Request {
    #[validate(email)]
    email: u32,
    #[validate(positive)]
    amount: String,
    #[validate(alpha2)]
    countries: Vec<String>,
    #[validate(positive)]
    fee: Option<i64>,
    #[validate(date)]
    date_of_birth: ::std::option::Option<::std::vec::Vec<u8>>,
    #[validate(currency)]
    shared: std::rc::Rc<str>,
}

fn main() {}
