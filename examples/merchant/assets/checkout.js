// The checkout page's script: served from the shop's own origin (the page's
// Content-Security-Policy allows no inline script), with no build step.
//
// Every text that came from the server, StableMint's messages included, is put on the
// page with textContent, never parsed as HTML.
"use strict";

(function () {
  // Longer than the server's deadline for a call to StableMint (20 s by default), so
  // that the server's own answer, with its explanation, normally arrives first.
  const REQUEST_TIMEOUT_MS = 30000;
  const FIELDS = ["userEmail", "userCountryCode", "amount", "currency"];

  const byId = (id) => document.getElementById(id);
  const form = byId("checkout");
  const fields = byId("checkout-fields");
  const pay = byId("pay");
  const loading = byId("loading");
  const formErrors = byId("form-errors");
  const failure = byId("failure");
  const failureMessage = byId("failure-message");
  const failureDetail = byId("failure-detail");
  const retry = byId("retry");
  const sessionBox = byId("session");
  const widget = byId("stablemint-widget");
  const expired = byId("session-expired");
  const renew = byId("renew");
  const countdown = byId("session-countdown");

  // What was last sent: a retry, or a new session after expiry, sends it again, for the
  // same order.
  let lastPayload = null;
  let pending = false;
  let countdownTimer = null;

  function show(element, visible) {
    element.hidden = !visible;
  }

  function readForm() {
    const data = new FormData(form);
    const payload = { orderId: String(data.get("orderId") || "") };
    for (const name of FIELDS) {
      payload[name] = String(data.get(name) || "");
    }
    return payload;
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
    show(failure, false);
  }

  // Each error goes beside the field whose data-pointer is its JSON Pointer; an error
  // with no such field goes in the list under the form.
  function showFieldErrors(errors) {
    let first = null;
    for (const error of errors) {
      const box = Array.from(form.querySelectorAll(".field")).find(
        (candidate) => candidate.dataset.pointer === error.pointer
      );
      if (box) {
        const input = box.querySelector("input");
        const message = box.querySelector(".field-error");
        message.textContent = message.textContent
          ? message.textContent + " " + error.message
          : error.message;
        show(message, true);
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      } else {
        const item = document.createElement("li");
        item.textContent = (error.pointer ? error.pointer + ": " : "") + error.message;
        formErrors.append(item);
        show(formErrors, true);
      }
    }
    if (first) {
      first.focus();
    }
  }

  function showFailure(message, detail, retryable) {
    failureMessage.textContent = message;
    failureDetail.textContent = detail || "";
    show(failureDetail, Boolean(detail));
    show(retry, retryable);
    show(failure, true);
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
  // "expiresInSeconds", so a browser whose wall clock is wrong still counts right.
  function startCountdown(expiresInSeconds) {
    clearInterval(countdownTimer);
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

  function showSession(session) {
    byId("session-id").textContent = session.sessionId;
    byId("session-reference").textContent = session.reference;
    byId("session-expires-at").textContent =
      "(" + new Date(session.expiresAt * 1000).toISOString().replace(".000Z", "Z") + ")";
    show(pay, false);
    show(expired, false);
    show(widget, true);
    show(sessionBox, true);
    startCountdown(session.expiresInSeconds);
    startWidget(widget, session.sessionId);
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

  async function submit(payload) {
    // A second click while a request is in flight does nothing: one order, one call.
    if (pending) {
      return;
    }
    pending = true;
    lastPayload = payload;
    pay.disabled = true;
    fields.disabled = true;
    clearErrors();
    show(expired, false);
    show(loading, true);
    try {
      await send(payload);
    } finally {
      pending = false;
      show(loading, false);
    }
  }

  async function send(payload) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    let response;
    let body = null;
    try {
      response = await fetch("/api/checkout", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(payload),
        signal: controller.signal,
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      // The shop's own server did not answer: the order may or may not be stored, and
      // sending it again is safe either way.
      showFailure(
        "The shop's server could not be reached.",
        "Check your connection, then try again.",
        true
      );
      return;
    } finally {
      clearTimeout(timer);
    }
    if (response.ok && body && body.sessionId) {
      showSession(body);
      return;
    }
    if (body && body.code === "invalid_request" && Array.isArray(body.errors)) {
      // Nothing was stored: the buyer fixes the fields and pays again.
      fields.disabled = false;
      pay.disabled = false;
      showFieldErrors(body.errors);
      return;
    }
    const message =
      body && typeof body.message === "string"
        ? body.message
        : "The shop's server answered HTTP " + response.status + ".";
    const detail = body && typeof body.detail === "string" ? body.detail : "";
    showFailure(message, detail, !body || body.retryable !== false);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(readForm());
  });
  retry.addEventListener("click", () => submit(lastPayload));
  renew.addEventListener("click", () => submit(lastPayload));
})();
