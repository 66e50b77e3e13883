//! Making an order from a cart: the catalog as stored, the cart priced from it line by
//! line ([`CartError`] when it cannot be), and the order and its lines written in one
//! transaction.

use crate::catalog::{CartItem, MAX_QUANTITY, OrderLine, Product};

use super::error::context;
use super::{Order, Store, StoreError, get};

/// The most lines one order may have.
pub const MAX_LINES: usize = 20;

/// Why a cart cannot become an order.
#[derive(Debug, PartialEq, Eq)]
pub enum CartError {
    /// The cart is empty.
    Empty,
    /// More lines than [`MAX_LINES`].
    TooManyLines,
    /// The item at this index names no product of the catalog.
    UnknownProduct(usize),
    /// The item at this index asks for 0 or more than [`MAX_QUANTITY`].
    Quantity(usize),
    /// The item at this index names a product another item already named.
    Duplicate(usize),
    /// The products are in more than one currency.
    MixedCurrencies,
    /// The total does not fit.
    TooLarge,
}

impl Store {
    /// The catalog, in the order the page shows it.
    pub async fn products(&self) -> Result<Vec<Product>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, price_minor, currency FROM products ORDER BY position, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(context("reading the catalog"))?;
        rows.iter()
            .map(|row| {
                Ok(Product {
                    id: get(row, "id")?,
                    name: get(row, "name")?,
                    price_minor: get(row, "price_minor")?,
                    currency: get(row, "currency")?,
                })
            })
            .collect()
    }

    /// Makes an order of `cart`, priced from the catalog, bound to the browser whose
    /// cookie hashes to `browser_hash`; returns it with its lines. The order and its
    /// lines are written in one transaction.
    pub async fn create_order(
        &self,
        order_id: &str,
        browser_hash: &str,
        cart: &[CartItem],
        now: i64,
    ) -> Result<Result<(Order, Vec<OrderLine>), CartError>, StoreError> {
        let catalog = self.products().await?;
        let lines = match price(cart, &catalog) {
            Ok(lines) => lines,
            Err(error) => return Ok(Err(error)),
        };
        let currency = catalog
            .iter()
            .find(|p| Some(&p.id) == lines.first().map(|l| &l.product_id))
            .map(|p| p.currency.clone())
            .unwrap_or_default();
        let Some(total) = lines
            .iter()
            .try_fold(0i64, |sum, line| sum.checked_add(line.total_minor()?))
        else {
            return Ok(Err(CartError::TooLarge));
        };
        let mut transaction = self
            .pool
            .begin()
            .await
            .map_err(context("starting a transaction"))?;
        sqlx::query(
            "INSERT INTO orders (id, browser_hash, currency, total_minor, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(order_id)
        .bind(browser_hash)
        .bind(&currency)
        .bind(total)
        .bind(now)
        .execute(&mut *transaction)
        .await
        .map_err(context("storing the order"))?;
        for (position, line) in lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO order_lines (order_id, position, product_id, name, \
                 unit_price_minor, quantity) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(order_id)
            .bind(position as i64)
            .bind(&line.product_id)
            .bind(&line.name)
            .bind(line.unit_price_minor)
            .bind(i64::from(line.quantity))
            .execute(&mut *transaction)
            .await
            .map_err(context("storing the order's lines"))?;
        }
        transaction
            .commit()
            .await
            .map_err(context("committing the order"))?;
        let order = Order {
            id: order_id.to_owned(),
            currency,
            total_minor: total,
            payer: None,
            generation: 0,
            idempotency_key: None,
            session: None,
        };
        Ok(Ok((order, lines)))
    }
}

/// Prices `cart` from `catalog`, line by line.
fn price(cart: &[CartItem], catalog: &[Product]) -> Result<Vec<OrderLine>, CartError> {
    if cart.is_empty() {
        return Err(CartError::Empty);
    }
    if cart.len() > MAX_LINES {
        return Err(CartError::TooManyLines);
    }
    let mut lines: Vec<OrderLine> = Vec::with_capacity(cart.len());
    for (index, item) in cart.iter().enumerate() {
        let product = catalog
            .iter()
            .find(|p| p.id == item.product_id)
            .ok_or(CartError::UnknownProduct(index))?;
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(CartError::Quantity(index));
        }
        if lines.iter().any(|line| line.product_id == product.id) {
            return Err(CartError::Duplicate(index));
        }
        if catalog
            .iter()
            .find(|p| Some(&p.id) == lines.first().map(|l| &l.product_id))
            .is_some_and(|first| first.currency != product.currency)
        {
            return Err(CartError::MixedCurrencies);
        }
        lines.push(OrderLine {
            product_id: product.id.clone(),
            name: product.name.clone(),
            unit_price_minor: product.price_minor,
            quantity: item.quantity,
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, price_minor: i64, currency: &str) -> Product {
        Product {
            id: id.into(),
            name: id.to_uppercase(),
            price_minor,
            currency: currency.into(),
        }
    }

    fn item(id: &str, quantity: u32) -> CartItem {
        CartItem {
            product_id: id.into(),
            quantity,
        }
    }

    #[test]
    fn carts_are_priced_from_the_catalog_only() {
        let catalog = [product("a", 1250, "EUR"), product("b", 650, "EUR")];
        let lines = price(&[item("b", 3), item("a", 1)], &catalog).unwrap();
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.product_id.as_str(), l.unit_price_minor, l.quantity))
                .collect::<Vec<_>>(),
            [("b", 650, 3), ("a", 1250, 1)]
        );
        assert_eq!(price(&[], &catalog), Err(CartError::Empty));
        assert_eq!(
            price(&[item("a", 1), item("zz", 1)], &catalog),
            Err(CartError::UnknownProduct(1))
        );
        assert_eq!(
            price(&[item("a", 0)], &catalog),
            Err(CartError::Quantity(0))
        );
        assert_eq!(
            price(&[item("a", MAX_QUANTITY + 1)], &catalog),
            Err(CartError::Quantity(0))
        );
        assert_eq!(
            price(&[item("a", 1), item("a", 2)], &catalog),
            Err(CartError::Duplicate(1))
        );
        let many: Vec<CartItem> = (0..=MAX_LINES).map(|_| item("a", 1)).collect();
        assert_eq!(price(&many, &catalog), Err(CartError::TooManyLines));
        let mixed = [product("a", 1250, "EUR"), product("y", 100, "JPY")];
        assert_eq!(
            price(&[item("a", 1), item("y", 1)], &mixed),
            Err(CartError::MixedCurrencies)
        );
    }
}
