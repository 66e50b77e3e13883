use stablemint_validate::Validate;

#[derive(Validate)]
struct Request {
    #[validate]
    a: String,
    #[validate = 1]
    b: String,
    #[validate()]
    c: String,
    #[validate[email]]
    d: String,
    #[validate(email alpha2)]
    e: String,
    #[validate(email = true)]
    f: String,
    #[validate(nested(deep))]
    g: String,
    #[validate(precision)]
    h: f64,
    #[validate(precision = "currency")]
    i: f64,
    #[validate(precision = self.currency)]
    j: f64,
    #[validate(email = |x| x, alpha2)]
    k: String,
    currency: String,
}

fn main() {}
