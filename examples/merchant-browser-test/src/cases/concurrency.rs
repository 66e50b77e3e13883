//! Clicks that race: a double click on Pay sends one checkout and creates one session.

use std::time::Duration;

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use stablemint_mock::Answer;

use super::{check_eq, sandbox, shown_session, valid_order};
use crate::World;
use crate::browser::{Context, Outcome};

/// A double click on Pay sends one checkout request and creates one session.
pub(crate) async fn double_click(w: &mut World) -> Outcome<()> {
    let sandbox = sandbox(&w.shop)?;
    let (sessions, checkouts) = (sandbox.sessions_created(), w.shop.checkout_requests());
    let order_id = valid_order(w, &w.shop).await?;
    let slow = Answer::process().delayed(Duration::from_secs(1));
    sandbox
        .script("createEmbeddedSession", [slow])
        .doing("arming a delay")?;
    let pay = w.browser.find("#pay").await?;
    let clicks = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: pay,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    w.browser
        .client
        .perform_actions(clicks)
        .await
        .doing("double-clicking Pay")?;
    shown_session(w, &w.shop, &order_id).await?;
    check_eq(
        "requests to the backend",
        w.shop.checkout_requests(),
        checkouts + 1,
    )?;
    check_eq("sessions created", sandbox.sessions_created(), sessions + 1)?;
    w.browser.shot("double-click").await?;
    Ok(())
}
