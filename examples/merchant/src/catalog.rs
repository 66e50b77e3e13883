//! What the shop sells and how much it costs: the catalog's [`Product`]s (in the
//! database, prices in minor units), the cart a shopper asks for ([`CartItem`]), and
//! money as text ([`format_money`]).
//!
//! The browser names products and quantities only. Every price and every total is the
//! server's, read from the catalog when the order is made.

use serde::Serialize;
use stablemint::validate::{MinorUnits, currency_minor_units};

/// The most of one product in one order.
pub const MAX_QUANTITY: u32 = 10;

/// A product of the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    /// Its id, as the page sends it (`espresso-beans`).
    pub id: String,
    /// Its name, as the page shows it.
    pub name: String,
    /// Its price in the currency's minor unit (cents for EUR).
    pub price_minor: i64,
    /// Its currency, ISO 4217.
    pub currency: String,
}

/// One line of the cart the browser asks for: a product and how many.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartItem {
    /// The product's id.
    pub product_id: String,
    /// How many, `1..=MAX_QUANTITY`.
    pub quantity: u32,
}

/// One line of an order, priced by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    /// The product's id.
    pub product_id: String,
    /// The product's name when the order was made.
    pub name: String,
    /// The unit price when the order was made, in minor units.
    pub unit_price_minor: i64,
    /// How many.
    pub quantity: u32,
}

impl OrderLine {
    /// The line's total in minor units, or `None` if it does not fit an `i64`.
    pub fn total_minor(&self) -> Option<i64> {
        self.unit_price_minor.checked_mul(i64::from(self.quantity))
    }
}

/// `minor` units of `currency` as the page shows them: `1250` EUR is `12.50 EUR`,
/// `1250` JPY is `1250 JPY`. A currency without a minor unit in ISO 4217 is shown as the
/// plain number.
pub fn format_money(minor: i64, currency: &str) -> String {
    let digits = match currency_minor_units(currency) {
        Some(MinorUnits::Digits(digits)) => u32::from(digits),
        _ => 0,
    };
    if digits == 0 {
        return format!("{minor} {currency}");
    }
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    let scale = 10u64.pow(digits);
    format!(
        "{sign}{}.{:0width$} {currency}",
        magnitude / scale,
        magnitude % scale,
        width = digits as usize
    )
}

/// An order line as the page gets it: names and amounts as text the server formatted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    /// The product's name.
    pub name: String,
    /// How many.
    pub quantity: u32,
    /// The unit price, formatted.
    pub unit_price: String,
    /// The line's total, formatted.
    pub line_total: String,
}

impl LineView {
    /// The view of `line` in `currency`.
    pub fn new(line: &OrderLine, currency: &str) -> LineView {
        LineView {
            name: line.name.clone(),
            quantity: line.quantity,
            unit_price: format_money(line.unit_price_minor, currency),
            line_total: line
                .total_minor()
                .map_or_else(String::new, |total| format_money(total, currency)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_shown_with_the_currency_s_minor_unit() {
        assert_eq!(format_money(1250, "EUR"), "12.50 EUR");
        assert_eq!(format_money(5, "EUR"), "0.05 EUR");
        assert_eq!(format_money(1250, "JPY"), "1250 JPY");
        assert_eq!(format_money(1250, "BHD"), "1.250 BHD");
        assert_eq!(format_money(-105, "EUR"), "-1.05 EUR");
        assert_eq!(format_money(i64::MIN, "EUR"), "-92233720368547758.08 EUR");
    }

    #[test]
    fn a_line_total_that_overflows_is_not_made_up() {
        let line = OrderLine {
            product_id: "p".into(),
            name: "P".into(),
            unit_price_minor: i64::MAX,
            quantity: 2,
        };
        assert_eq!(line.total_minor(), None);
        let fits = OrderLine {
            quantity: 3,
            unit_price_minor: 650,
            ..line
        };
        assert_eq!(fits.total_minor(), Some(1950));
        assert_eq!(LineView::new(&fits, "EUR").line_total, "19.50 EUR");
    }
}
