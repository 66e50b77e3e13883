// The checkout page's script: served from the shop's own origin (the page's
// Content-Security-Policy allows no inline script), with no build step.
//
// The browser names products and quantities, then who pays; it never sends a price or
// an amount. Every price and total on the page is text the server formatted, and every
// text from the server is put on the page with textContent, never parsed as HTML.
"use strict";

(function () {
  // Longer than the server's deadline for a call to StableMint (20 s by default), so
  // that the server's own answer, with its explanation, normally arrives first.
  const REQUEST_TIMEOUT_MS = 30000;
  const FIELDS = ["userEmail", "userCountryCode"];
  // The largest |Unix seconds| a Date can hold: beyond it toISOString() throws.
  const MAX_DATE_SECONDS = 8.64e12;

  const byId = (id) => document.getElementById(id);
  const cart = byId("cart");
  const cartErrors = byId("cart-errors");
  const makeOrder = byId("make-order");
  const orderBox = byId("order");
  const form = byId("checkout");
  const fields = byId("checkout-fields");
  const pay = byId("pay");
  const loading = byId("loading");
  const formErrors = byId("form-errors");
  const failure = byId("failure");
  const failureMessage = byId("failure-message");
  const failureReference = byId("failure-reference");
  const failureReferenceCode = byId("failure-reference-code");
  const retry = byId("retry");
  const sessionBox = byId("session");
  const widget = byId("stablemint-widget");
  const expired = byId("session-expired");
  const renew = byId("renew");
  const countdown = byId("session-countdown");

  // The order the server made, and what the last request was, so that "Try again"
  // repeats it.
  let orderId = null;
  let lastAction = null;
  let pending = false;
  let countdownTimer = null;

  function show(element, visible) {
    element.hidden = !visible;
  }

  function clearErrors() {
    for (const box of form.querySelectorAll(".field")) {
      const input = box.querySelector("input");
      const message = box.querySelector(".field-error");
      input.removeAttribute("aria-invalid");
      message.textContent = "";
      show(message, false);
    }
    formErrors.replaceChildren();
    show(formErrors, false);
    cartErrors.replaceChildren();
    show(cartErrors, false);
    show(failure, false);
  }

  // Each error goes beside the field whose data-pointer is its JSON Pointer; an error
  // with no such field goes in the list under the form it belongs to.
  function showFieldErrors(errors, list) {
    let first = null;
    for (const error of errors) {
      const message = typeof error.message === "string" ? error.message : "";
      const box = Array.from(form.querySelectorAll(".field")).find(
        (candidate) => candidate.dataset.pointer === error.pointer
      );
      if (box && list === formErrors) {
        const input = box.querySelector("input");
        const slot = box.querySelector(".field-error");
        slot.textContent = slot.textContent ? slot.textContent + " " + message : message;
        show(slot, true);
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      } else {
        const item = document.createElement("li");
        item.textContent = message;
        list.append(item);
        show(list, true);
      }
    }
    if (first) {
      first.focus();
    }
  }

  // What a shopper sees of a failure: the server's short message and, when it gave
  // one, the support reference to quote. Nothing else from the answer is shown.
  function showFailure(message, reference, retryable) {
    failureMessage.textContent = message;
    failureReferenceCode.textContent = reference || "";
    show(failureReference, Boolean(reference));
    show(retry, retryable);
    show(failure, true);
    failure.scrollIntoView({ block: "nearest" });
    if (retryable) {
      retry.focus();
    }
  }

  function formatLeft(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return minutes + ":" + rest;
  }

  // The countdown runs on this browser's monotonic clock from the server's
  // "expiresInSeconds", so a browser whose wall clock is wrong still counts right. The
  // server sends null when StableMint gave no usable end; then nothing counts down.
  function startCountdown(expiresInSeconds) {
    clearInterval(countdownTimer);
    if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds <= 0) {
      countdown.textContent = "no end given";
      return;
    }
    const deadline = performance.now() + expiresInSeconds * 1000;
    const tick = () => {
      const left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
      if (left > 0) {
        countdown.textContent = "in " + formatLeft(left);
        return;
      }
      clearInterval(countdownTimer);
      countdown.textContent = "expired";
      show(widget, false);
      show(expired, true);
      renew.focus();
    };
    tick();
    countdownTimer = setInterval(tick, 250);
  }

  function expiryText(expiresAt) {
    if (!Number.isSafeInteger(expiresAt) || Math.abs(expiresAt) > MAX_DATE_SECONDS) {
      return "";
    }
    try {
      return "(" + new Date(expiresAt * 1000).toISOString().replace(".000Z", "Z") + ")";
    } catch (error) {
      return "";
    }
  }

  function showSession(session) {
    byId("session-id").textContent = String(session.sessionId);
    byId("session-reference").textContent = String(session.reference || "");
    byId("session-expires-at").textContent = expiryText(session.expiresAt);
    show(pay, false);
    show(expired, false);
    show(widget, true);
    show(sessionBox, true);
    sessionBox.scrollIntoView({ block: "nearest" });
    startCountdown(session.expiresInSeconds);
    startWidget(widget, session.sessionId);
  }

  function showOrder(order) {
    orderId = order.orderId;
    byId("order-id").textContent = order.orderId;
    const rows = byId("order-lines");
    rows.replaceChildren();
    for (const line of order.lines) {
      const row = document.createElement("tr");
      for (const [text, money] of [
        [line.name, false],
        [String(line.quantity), false],
        [line.unitPrice, true],
        [line.lineTotal, true],
      ]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        if (money) {
          cell.className = "money";
        }
        row.append(cell);
      }
      rows.append(row);
    }
    byId("order-total").textContent = order.total;
    for (const input of cart.querySelectorAll("input")) {
      input.disabled = true;
    }
    show(makeOrder, false);
    show(orderBox, true);
    byId("userEmail").focus();
  }

  // StableMint's widget is started here, in `slot`, with the session id. Its
  // JavaScript API is not documented anywhere, so this example does not guess it: the
  // id is put on the slot, and the call that starts the widget goes in this function
  // once StableMint documents it. The widget's script is loaded by the page when
  // --widget-script-url is set, and the page's Content-Security-Policy allows its
  // origin.
  function startWidget(slot, sessionId) {
    slot.dataset.sessionId = sessionId;
  }

  async function post(path, payload) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(payload),
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      return { response, body };
    } finally {
      clearTimeout(timer);
    }
  }

  // Runs `action` unless one is in flight: a second click does nothing, so one order
  // makes one call.
  async function run(action) {
    if (pending) {
      return;
    }
    pending = true;
    lastAction = action;
    makeOrder.disabled = true;
    pay.disabled = true;
    fields.disabled = true;
    clearErrors();
    show(expired, false);
    show(loading, true);
    try {
      await action();
    } catch (error) {
      // The shop's own server did not answer: sending the same request again is safe.
      showFailure("The shop could not be reached. Check your connection, then try again.", "", true);
    } finally {
      pending = false;
      show(loading, false);
    }
  }

  function failed(response, body, list) {
    if (body && body.code === "invalid_request" && Array.isArray(body.errors)) {
      makeOrder.disabled = false;
      fields.disabled = false;
      pay.disabled = false;
      showFieldErrors(body.errors, list);
      return;
    }
    const message =
      body && typeof body.message === "string"
        ? body.message
        : "The shop could not answer (HTTP " + response.status + "). Try again in a moment.";
    const reference = body && typeof body.supportReference === "string" ? body.supportReference : "";
    showFailure(message, reference, !body || body.retryable !== false);
  }

  async function sendOrder() {
    const items = Array.from(cart.querySelectorAll("input.quantity")).map((input) => ({
      productId: input.dataset.productId,
      quantity: Number.parseInt(input.value, 10) || 0,
    }));
    const { response, body } = await post("/api/orders", { items });
    if (response.ok && body && typeof body.orderId === "string" && Array.isArray(body.lines)) {
      showOrder(body);
      fields.disabled = false;
      pay.disabled = false;
      return;
    }
    failed(response, body, cartErrors);
  }

  // Read before the request starts: FormData leaves out the fields of a disabled
  // fieldset, and the fieldset is disabled while a request is in flight.
  function readCheckout() {
    const data = new FormData(form);
    const payload = { orderId };
    for (const name of FIELDS) {
      payload[name] = String(data.get(name) || "");
    }
    return payload;
  }

  async function sendCheckout(payload) {
    const { response, body } = await post("/api/checkout", payload);
    if (response.ok && body && typeof body.sessionId === "string") {
      showSession(body);
      return;
    }
    failed(response, body, formErrors);
  }

  cart.addEventListener("submit", (event) => {
    event.preventDefault();
    run(sendOrder);
  });
  // What was last sent for the order: a retry, or a new session after expiry, sends
  // it again.
  let lastCheckout = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const payload = readCheckout();
    lastCheckout = payload;
    run(() => sendCheckout(payload));
  });
  retry.addEventListener("click", () => run(lastAction));
  renew.addEventListener("click", () => run(() => sendCheckout(lastCheckout)));
})();
