//! The checkout page: server-rendered HTML, its script and its stylesheet (served from
//! this origin, no build step), and the Content-Security-Policy that goes with them.

use crate::catalog::{MAX_QUANTITY, Product, format_money};
use crate::config::WidgetScript;

/// The page's script, served at [`SCRIPT_PATH`].
pub const SCRIPT: &str = include_str!("../assets/checkout.js");
/// The page's stylesheet, served at [`STYLE_PATH`].
pub const STYLE: &str = include_str!("../assets/checkout.css");
/// Where the script is served.
pub const SCRIPT_PATH: &str = "/assets/checkout.js";
/// Where the stylesheet is served.
pub const STYLE_PATH: &str = "/assets/checkout.css";

/// The Content-Security-Policy of every answer: this origin, and the widget's origin
/// when there is a widget script. No inline script or style (neither `'unsafe-inline'`
/// nor a nonce), no `eval`, no plugins, no framing of the page by other sites.
pub fn content_security_policy(widget: Option<&WidgetScript>) -> String {
    let (with_widget, frames) = match widget {
        Some(widget) => (format!(" {}", widget.origin()), widget.origin().to_owned()),
        None => (String::new(), "'none'".to_owned()),
    };
    format!(
        "default-src 'none'; script-src 'self'{with_widget}; style-src 'self'{with_widget}; \
         img-src 'self'{with_widget}; font-src 'self'{with_widget}; \
         connect-src 'self'{with_widget}; frame-src {frames}; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The page shown when the shop cannot show its catalog (the database is busy or
/// failing): a sentence and the support reference, nothing of the error.
pub fn unavailable(reference: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Checkout · StableMint example shop</title>
<link rel="stylesheet" href="{STYLE_PATH}">
</head>
<body>
<main>
<h1>The shop is not available right now</h1>
<p>Please reload the page in a moment.</p>
<p class="hint">Support reference: <code>{}</code></p>
</main>
</body>
</html>
"#,
        escape_html(reference)
    )
}

/// The text of the sandbox banner.
pub const SANDBOX_BANNER: &str = "Sandbox: no money moves";

/// The checkout page: the catalog (`products`, prices formatted by the server), the
/// order's lines and total once the server made it, and the payment form. With
/// `sandbox`, a banner says that no money moves.
pub fn checkout(products: &[Product], widget: Option<&WidgetScript>, sandbox: bool) -> String {
    let (widget_tag, widget_note) = match widget {
        Some(widget) => (
            format!(
                "\n<script src=\"{}\" defer></script>",
                escape_html(widget.url())
            ),
            "StableMint's widget script is loaded from the configured URL.",
        ),
        None => (
            String::new(),
            "No widget script is configured (--widget-script-url).",
        ),
    };
    let banner = if sandbox {
        format!(
            "\n<p id=\"sandbox-banner\" class=\"sandbox-banner\" role=\"note\"><strong>{SANDBOX_BANNER}</strong>: sessions come from a StableMint sandbox running inside this server.</p>"
        )
    } else {
        String::new()
    };
    let mut rows = String::new();
    for product in products {
        let id = escape_html(&product.id);
        rows.push_str(&format!(
            "<tr class=\"product\" data-product-id=\"{id}\">\
             <td><label for=\"qty-{id}\">{name}</label></td>\
             <td class=\"money\">{price}</td>\
             <td><input id=\"qty-{id}\" class=\"quantity\" type=\"number\" inputmode=\"numeric\" \
             min=\"0\" max=\"{MAX_QUANTITY}\" step=\"1\" value=\"0\" data-product-id=\"{id}\"></td></tr>\n",
            name = escape_html(&product.name),
            price = escape_html(&format_money(product.price_minor, &product.currency)),
        ));
    }
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Checkout · StableMint example shop</title>
<link rel="stylesheet" href="{STYLE_PATH}">
<script src="{SCRIPT_PATH}" defer></script>{widget_tag}
</head>
<body>
<main>{banner}
<h1>Coffee corner</h1>
<noscript><p class="failure">This checkout needs JavaScript.</p></noscript>

<form id="cart" novalidate>
<table class="catalog">
<thead><tr><th>Product</th><th class="money">Price</th><th>Quantity</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<ul class="form-errors" id="cart-errors" hidden></ul>
<button type="submit" id="make-order">Review order</button>
</form>

<section id="order" hidden>
<h2>Your order <code id="order-id"></code></h2>
<table class="lines">
<thead><tr><th>Product</th><th>Quantity</th><th class="money">Price</th><th class="money">Total</th></tr></thead>
<tbody id="order-lines"></tbody>
<tfoot><tr><th colspan="3">Total</th><td class="money" id="order-total"></td></tr></tfoot>
</table>

<form id="checkout" novalidate>
<fieldset id="checkout-fields">
<legend>Your payment</legend>
<div class="field" data-pointer="/userEmail">
<label for="userEmail">E-mail</label>
<input id="userEmail" name="userEmail" type="email" autocomplete="email" required aria-describedby="userEmail-error">
<p class="field-error" id="userEmail-error" hidden></p>
</div>
<div class="field" data-pointer="/userCountryCode">
<label for="userCountryCode">Country <span class="hint">(two letters, such as DE)</span></label>
<input id="userCountryCode" name="userCountryCode" autocomplete="country" maxlength="2" required aria-describedby="userCountryCode-error">
<p class="field-error" id="userCountryCode-error" hidden></p>
</div>
<ul class="form-errors" id="form-errors" hidden></ul>
</fieldset>
<button type="submit" id="pay">Pay</button>
</form>
</section>

<p id="loading" class="loading" role="status" hidden>Please wait…</p>

<section id="failure" class="failure" role="alert" hidden>
<p id="failure-message"></p>
<p id="failure-reference" class="hint" hidden>Support reference: <code id="failure-reference-code"></code></p>
<button type="button" id="retry" hidden>Try again</button>
</section>

<section id="session" hidden>
<h2>Payment session</h2>
<dl>
<dt>Session id</dt><dd><code id="session-id"></code></dd>
<dt>Reference</dt><dd><code id="session-reference"></code></dd>
<dt>Expires</dt><dd><span id="session-countdown"></span> <span class="hint" id="session-expires-at"></span></dd>
</dl>
<div id="stablemint-widget" class="widget">
<p>StableMint's payment widget goes here, started with the session id above.
Its JavaScript API is not documented, so this example does not start it: see
<code>startWidget</code> in <code>{SCRIPT_PATH}</code>. {widget_note}</p>
</div>
<div id="session-expired" hidden>
<p>This payment session has expired.</p>
<button type="button" id="renew">Continue to payment</button>
</div>
</section>
</main>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_both_quotes() {
        assert_eq!(
            escape_html(r#"<img src=x onerror='a'>&"b""#),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;b&quot;"
        );
    }

    #[test]
    fn the_policy_names_the_widget_origin_and_nothing_else() {
        let plain = content_security_policy(None);
        assert!(plain.contains("script-src 'self';"), "{plain}");
        assert!(plain.contains("frame-src 'none';"), "{plain}");
        let widget = WidgetScript::parse("https://widget.example.com/v1/w.js").unwrap();
        let with = content_security_policy(Some(&widget));
        assert!(
            with.contains("script-src 'self' https://widget.example.com;"),
            "{with}"
        );
        assert!(
            with.contains("frame-src https://widget.example.com;"),
            "{with}"
        );
        assert!(!with.contains("unsafe"), "{with}");
        assert!(!with.contains("/v1/w.js"), "{with}");
    }

    #[test]
    fn the_page_has_no_inline_script_or_style() {
        let widget = WidgetScript::parse("https://widget.example.com/w.js?a=1&b=2").unwrap();
        let products = [Product {
            id: "beans\"><script>".into(),
            name: "<b>Beans</b>".into(),
            price_minor: 1250,
            currency: "EUR".into(),
        }];
        let page = checkout(&products, Some(&widget), true);
        assert!(page.contains("&lt;b&gt;Beans&lt;/b&gt;"), "{page}");
        assert!(page.contains("12.50 EUR"), "{page}");
        assert!(page.contains(SANDBOX_BANNER), "{page}");
        assert!(!checkout(&products, None, false).contains(SANDBOX_BANNER));
        // Every <script> has a src and an empty body; no style attribute or element.
        let scripts: Vec<&str> = page.split("<script").skip(1).collect();
        assert_eq!(scripts.len(), 2, "{page}");
        for script in scripts {
            assert!(script.starts_with(" src=\""), "{script}");
            assert!(script.contains("></script>"), "{script}");
        }
        assert!(!page.contains("style="), "{page}");
        assert!(!page.contains("<style"), "{page}");
        // No inline event handler: no attribute named on... anywhere.
        for (at, _) in page.match_indices(" on") {
            let name: String = page[at + 1..]
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect();
            let after = page[at + 1 + name.len()..].chars().next();
            assert!(after != Some('='), "an inline event handler {name}: {page}");
        }
        assert!(page.contains("src=\"https://widget.example.com/w.js?a=1&amp;b=2\""));
    }

    #[test]
    fn the_script_never_parses_text_as_html() {
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            assert!(!SCRIPT.contains(sink), "checkout.js uses {sink}");
        }
        assert!(SCRIPT.contains("textContent"));
    }
}
